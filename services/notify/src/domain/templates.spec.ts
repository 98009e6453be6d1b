import { ValidationError } from '@govhall/kit';
import { DEFAULT_TEMPLATES, TemplateCodes as T } from './default-templates';
import {
  MAX_TEMPLATE_LENGTH,
  MAX_VARIABLE_VALUE_LENGTH,
  render,
  templateViolations,
  variablesOf,
  type ProviderTemplate,
  type TemplateDraft,
} from './templates';

const ALIYUN: ProviderTemplate = { provider: 'aliyun', templateId: 'SMS_471234567', signName: '潍坊市政务服务中心' };
const TENCENT: ProviderTemplate = { provider: 'tencent', templateId: '2100001', signName: '潍坊市政务服务中心' };

const aDraft = (over: Partial<TemplateDraft> = {}): TemplateDraft => ({
  code: 'case_accepted',
  name: '受理通知',
  category: 'notification',
  audience: 'applicant',
  text: '您申请的${item}已受理，受理编号${caseNumber}。',
  holdInQuietHours: true,
  providers: [ALIYUN, TENCENT],
  ...over,
});

/** The fields a draft's violations name, in order. */
const fieldsOf = (draft: TemplateDraft) => templateViolations(draft).map((v) => v.field);

/** The violations a render throws (it must throw a kit ValidationError). */
function renderRefusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('render did not refuse');
}

describe('variablesOf', () => {
  it('lists the variables in order of first appearance, each once', () => {
    expect(variablesOf('${b}和${a}，再次${b}，然后${c}${a}')).toEqual(['b', 'a', 'c']);
  });

  it('finds none in plain text or in lone braces', () => {
    expect(variablesOf('您的办件已受理。')).toEqual([]);
    expect(variablesOf('价格{1}元 $ {x}')).toEqual([]);
  });

  it('keeps names as written, malformed ones included, for the rules to name', () => {
    expect(variablesOf('${1st}与${}与${a b}')).toEqual(['1st', '', 'a b']);
  });
});

describe('templateViolations', () => {
  it('finds nothing wrong with a valid draft, with or without provider entries', () => {
    expect(templateViolations(aDraft())).toEqual([]);
    expect(templateViolations(aDraft({ providers: [] }))).toEqual([]);
    expect(templateViolations(aDraft({ providers: [TENCENT] }))).toEqual([]);
  });

  describe('code', () => {
    it.each(['ab', 'Case_accepted', '1case', '_case', 'case-accepted', 'case accepted', 'a'.repeat(65), ''])(
      'refuses %j',
      (code) => {
        expect(fieldsOf(aDraft({ code }))).toEqual(['code']);
      },
    );

    it.each(['abc', 'a1_', 'case_accepted', `a${'b'.repeat(63)}`])('takes %j', (code) => {
      expect(fieldsOf(aDraft({ code }))).toEqual([]);
    });
  });

  describe('name', () => {
    it('takes 2 to 50 characters, counted without surrounding spaces', () => {
      expect(fieldsOf(aDraft({ name: '通知' }))).toEqual([]);
      expect(fieldsOf(aDraft({ name: '名'.repeat(50) }))).toEqual([]);
      expect(fieldsOf(aDraft({ name: `  ${'名'.repeat(50)}  ` }))).toEqual([]);
    });

    it('refuses one character, blanks and more than 50', () => {
      expect(fieldsOf(aDraft({ name: '通' }))).toEqual(['name']);
      expect(fieldsOf(aDraft({ name: '   通   ' }))).toEqual(['name']);
      expect(fieldsOf(aDraft({ name: '' }))).toEqual(['name']);
      expect(fieldsOf(aDraft({ name: '名'.repeat(51) }))).toEqual(['name']);
    });
  });

  describe('text', () => {
    it('is required', () => {
      const problems = templateViolations(aDraft({ text: '' }));
      expect(problems).toEqual([{ field: 'text', description: 'is required' }]);
      expect(fieldsOf(aDraft({ text: '  。 ' }))).toEqual(['text']);
    });

    it('takes at most 500 characters', () => {
      expect(fieldsOf(aDraft({ text: '字'.repeat(MAX_TEMPLATE_LENGTH) }))).toEqual([]);
      const problems = templateViolations(aDraft({ text: '字'.repeat(MAX_TEMPLATE_LENGTH + 1) }));
      expect(problems).toEqual([{ field: 'text', description: expect.stringContaining('501') as string }]);
    });

    it.each(['【潍坊】您的办件已受理。', '您的办件已受理】', '您的办件【已受理'])('refuses 【】 in %j', (text) => {
      const problems = templateViolations(aDraft({ text }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ field: 'text', description: expect.stringContaining('【】') as string });
    });

    it.each(['${1st}', '${}', '${a b}', '${名称}', '${a-b}', `\${a${'b'.repeat(30)}}`])(
      'refuses the variable name in 您的办件%s已受理',
      (variable) => {
        const problems = templateViolations(aDraft({ text: `您的办件${variable}已受理` }));
        expect(problems.map((p) => p.field)).toEqual(['text']);
        expect(problems[0]!.description).toContain(variable);
      },
    );

    it('takes variable names of a letter then up to 29 letters, digits or _', () => {
      expect(fieldsOf(aDraft({ text: `您的办件\${a${'b'.repeat(29)}}已受理\${A_1}` }))).toEqual([]);
    });

    it('takes 16 variables and refuses 17', () => {
      const textOf = (n: number) => Array.from({ length: n }, (_, i) => `项${i}：\${v${i}}`).join('，');
      expect(fieldsOf(aDraft({ text: textOf(16) }))).toEqual([]);
      const problems = templateViolations(aDraft({ text: textOf(17) }));
      expect(problems).toEqual([{ field: 'text', description: expect.stringContaining('17') as string }]);
    });

    it('counts a variable used twice once', () => {
      const text = Array.from({ length: 16 }, (_, i) => `\${v${i}}`).join('、') + '，再次${v0}。';
      expect(fieldsOf(aDraft({ text }))).toEqual([]);
    });

    it.each(['价格{1}元', '价格}元', '价格{元', '您的办件${item已受理', '您的办件$item}已受理'])(
      'refuses a stray brace in %j (Tencent would read it as a variable)',
      (text) => {
        const problems = templateViolations(aDraft({ text }));
        expect(problems).toEqual([{ field: 'text', description: expect.stringContaining('braces') as string }]);
      },
    );

    it.each(['${caseNumber}', '  ${caseNumber}  '])('refuses a text %j that is only a variable', (text) => {
      const problems = templateViolations(aDraft({ text }));
      expect(problems).toEqual([{ field: 'text', description: expect.stringContaining('only a variable') as string }]);
    });

    it('takes a variable with words around it', () => {
      expect(fieldsOf(aDraft({ text: '编号${caseNumber}' }))).toEqual([]);
    });
  });

  describe('verification', () => {
    const verification = (text: string) => aDraft({ code: 'login_code', category: 'verification', text });

    it('takes exactly one variable and the word 验证码', () => {
      expect(fieldsOf(verification('您的验证码为${code}，5分钟内有效。'))).toEqual([]);
      // The same variable twice is still one variable.
      expect(fieldsOf(verification('验证码${code}，请勿泄露${code}。'))).toEqual([]);
    });

    it('refuses none or two variables', () => {
      expect(fieldsOf(verification('您的验证码已发送。'))).toEqual(['text']);
      expect(fieldsOf(verification('您的验证码为${code}，${minutes}分钟内有效。'))).toEqual(['text']);
    });

    it('refuses a text without 验证码', () => {
      const problems = templateViolations(verification('您的动态码为${code}。'));
      expect(problems).toEqual([{ field: 'text', description: expect.stringContaining('验证码') as string }]);
    });

    it('names both when both are wrong', () => {
      expect(fieldsOf(verification('您的动态码已发送。'))).toEqual(['text', 'text']);
    });
  });

  describe('marketing', () => {
    const marketing = (text: string, audience: TemplateDraft['audience'] = 'applicant') =>
      aDraft({ code: 'service_week', category: 'marketing', text, audience });

    it('takes a text ending with 拒收请回复R, to applicants (trailing spaces allowed)', () => {
      expect(fieldsOf(marketing('政务服务周${date}开幕，欢迎参加。拒收请回复R'))).toEqual([]);
      expect(fieldsOf(marketing('政务服务周${date}开幕，欢迎参加。拒收请回复R  '))).toEqual([]);
    });

    it('refuses a text without the opt-out at its end', () => {
      const problems = templateViolations(marketing('拒收请回复R。政务服务周${date}开幕。'));
      expect(problems).toEqual([{ field: 'text', description: expect.stringContaining('拒收请回复R') as string }]);
      expect(fieldsOf(marketing('政务服务周${date}开幕。'))).toEqual(['text']);
    });

    it('refuses marketing to staff', () => {
      const problems = templateViolations(marketing('政务服务周${date}开幕。拒收请回复R', 'staff'));
      expect(problems).toEqual([{ field: 'audience', description: 'marketing goes to applicants only' }]);
    });
  });

  it('names an unknown category and an unknown audience', () => {
    // An unknown enum value of the request reads as undefined (messages.ts draftFromProto).
    expect(fieldsOf(aDraft({ category: undefined as unknown as TemplateDraft['category'] }))).toEqual(['category']);
    expect(fieldsOf(aDraft({ category: 'promotion' as TemplateDraft['category'] }))).toEqual(['category']);
    expect(fieldsOf(aDraft({ audience: undefined as unknown as TemplateDraft['audience'] }))).toEqual(['audience']);
    expect(fieldsOf(aDraft({ audience: 'public' as TemplateDraft['audience'] }))).toEqual(['audience']);
  });

  it('takes staff notifications', () => {
    expect(fieldsOf(aDraft({ audience: 'staff' }))).toEqual([]);
  });

  describe('provider entries', () => {
    const withProviders = (...providers: ProviderTemplate[]) => aDraft({ providers });

    it('refuses an unknown provider, by its index, and checks nothing more of it', () => {
      const problems = templateViolations(
        withProviders(ALIYUN, { provider: 'huawei' as ProviderTemplate['provider'], templateId: '', signName: '' }),
      );
      expect(problems).toEqual([{ field: 'providers[1].provider', description: 'aliyun or tencent' }]);
    });

    it('refuses a provider listed twice', () => {
      const problems = templateViolations(withProviders(TENCENT, ALIYUN, { ...TENCENT, templateId: '2100002' }));
      expect(problems).toEqual([
        { field: 'providers[2].provider', description: expect.stringContaining('twice') as string },
      ]);
    });

    it.each(['SMS_12345', 'SMS_1234567890123', 'sms_123456', 'SMS123456', '123456789', 'SMS_12345678a', ''])(
      'refuses the Aliyun template id %j',
      (templateId) => {
        expect(fieldsOf(withProviders({ ...ALIYUN, templateId }))).toEqual(['providers[0].template_id']);
      },
    );

    it.each(['SMS_123456', 'SMS_123456789012'])('takes the Aliyun template id %j', (templateId) => {
      expect(fieldsOf(withProviders({ ...ALIYUN, templateId }))).toEqual([]);
    });

    it.each(['SMS_123456', '12a', '1234567890123', '', '-1', '1.5'])(
      'refuses the Tencent template id %j',
      (templateId) => {
        expect(fieldsOf(withProviders(ALIYUN, { ...TENCENT, templateId }))).toEqual(['providers[1].template_id']);
      },
    );

    it.each(['1', '2100001', '123456789012'])('takes the Tencent template id %j', (templateId) => {
      expect(fieldsOf(withProviders({ ...TENCENT, templateId }))).toEqual([]);
    });

    it.each(['潍', '   潍   ', '', '潍坊市政务服务中心办公室主任', '【潍坊政务】', '潍坊】'])(
      'refuses the sign name %j',
      (signName) => {
        expect(fieldsOf(withProviders({ ...TENCENT, signName }))).toEqual(['providers[0].sign_name']);
      },
    );

    it.each(['潍坊', '潍坊市政务服务中心办公室', ' 潍坊政务 '])('takes the sign name %j', (signName) => {
      expect(fieldsOf(withProviders({ ...ALIYUN, signName }))).toEqual([]);
    });

    it('names every bad field of every entry', () => {
      expect(
        fieldsOf(
          withProviders(
            { provider: 'aliyun', templateId: '1', signName: '【】' },
            { provider: 'tencent', templateId: 'x', signName: 'y' },
          ),
        ),
      ).toEqual([
        'providers[0].template_id',
        'providers[0].sign_name',
        'providers[1].template_id',
        'providers[1].sign_name',
      ]);
    });
  });

  it('names every rule a draft breaks at once', () => {
    const problems = templateViolations({
      code: 'X',
      name: '',
      category: 'marketing',
      audience: 'staff',
      text: '【推广】{1}',
      holdInQuietHours: false,
      providers: [{ provider: 'aliyun', templateId: 'SMS_1', signName: '潍坊' }],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'code',
      'name',
      'text', // 【】
      'text', // brace
      'text', // no opt-out
      'audience',
      'providers[0].template_id',
    ]);
  });
});

describe('the built-in templates', () => {
  it('have one entry per template code the events send', () => {
    expect(DEFAULT_TEMPLATES.map((t) => t.code).sort()).toEqual(Object.values(T).sort());
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))('%s passes every rule as seeded', (_code, draft) => {
    expect(templateViolations(draft)).toEqual([]);
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s passes every rule once approved at both providers',
    (_code, draft) => {
      expect(templateViolations({ ...draft, providers: [ALIYUN, TENCENT] })).toEqual([]);
    },
  );

  // What the planner (src/app/planner.ts) and the daily summary (notify-service.ts) fill in, per template: each
  // variable it fills must be in the text (else the applicant never reads it), each variable of the text must be
  // filled (else the message is a dead letter, missing_variable).
  const FILLED: Record<string, readonly string[]> = {
    [T.caseAccepted]: ['item', 'caseNumber', 'promisedDate', 'queryHint'],
    [T.supplementRequested]: ['item', 'registrationNumber', 'hall'],
    [T.applicationRefused]: ['item', 'registrationNumber', 'complaintPhone'],
    [T.specialProcedureStarted]: ['caseNumber', 'item', 'procedure'],
    [T.caseCompleted]: ['caseNumber', 'item', 'completedAt', 'complaintPhone'],
    [T.certificateReady]: ['certificate', 'hall'],
    [T.pickupReminder]: ['certificate', 'when', 'hall'],
    [T.pickupAgreed]: ['certificate', 'pickupAt', 'hall'],
    [T.expressDispatched]: ['certificate', 'company', 'trackingNumber'],
    [T.appointmentBooked]: ['date', 'start', 'end', 'hall', 'code'],
    [T.appointmentReminder]: ['date', 'start', 'end', 'hall', 'code'],
    [T.applicantTimeWarning]: ['caseNumber', 'item', 'clock', 'dueAt'],
    [T.ratingInvitation]: ['item', 'caseNumber', 'token'],
    [T.handlerReminder]: ['caseNumber', 'item', 'stage', 'state'],
    [T.preWarning]: ['department', 'caseNumber', 'item', 'stage', 'remaining'],
    [T.yellowCard]: ['department', 'caseNumber', 'item', 'stage', 'overdue'],
    [T.redCard]: ['department', 'caseNumber', 'item', 'stage', 'overdue'],
    [T.dailySummary]: ['date', 'window', 'accepted', 'completed', 'reminders', 'yellow', 'red'],
  };

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s has exactly the variables its sender fills',
    (code, draft) => {
      expect([...variablesOf(draft.text)].sort()).toEqual([...FILLED[code]!].sort());
    },
  );

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s renders with its variables filled in',
    (code, draft) => {
      const values = Object.fromEntries(FILLED[code]!.map((name) => [name, `值${name}`]));
      const rendered = render({ text: draft.text, variables: variablesOf(draft.text) }, values, '潍坊市政务服务中心');
      expect(rendered.text).not.toMatch(/[${}]/);
      for (const name of FILLED[code]!) expect(rendered.text).toContain(`值${name}`);
    },
  );

  it('leader alerts go at any hour, applicant messages wait out quiet hours', () => {
    const anyHour = DEFAULT_TEMPLATES.filter((t) => !t.holdInQuietHours).map((t) => t.code);
    expect(anyHour.sort()).toEqual([T.preWarning, T.redCard, T.yellowCard].sort());
    expect(DEFAULT_TEMPLATES.filter((t) => t.audience === 'applicant').every((t) => t.holdInQuietHours)).toBe(true);
  });
});

describe('render', () => {
  const template = {
    text: '您的办件${caseNumber}（${item}）已受理，编号${caseNumber}。',
    variables: ['caseNumber', 'item'],
  };

  it('fills every variable in, behind the signature, and lists them in the template’s order', () => {
    const rendered = render(template, { item: '食品经营许可', caseNumber: 'SP2026001' }, '潍坊市政务服务中心');
    expect(rendered.text).toBe('【潍坊市政务服务中心】您的办件SP2026001（食品经营许可）已受理，编号SP2026001。');
    expect(rendered.variables).toEqual([
      { name: 'caseNumber', value: 'SP2026001' },
      { name: 'item', value: '食品经营许可' },
    ]);
  });

  it('ignores values the template does not name', () => {
    const rendered = render(template, { item: '甲', caseNumber: '1', extra: '不发送' }, '潍坊');
    expect(rendered.variables.map((v) => v.name)).toEqual(['caseNumber', 'item']);
    expect(rendered.text).not.toContain('不发送');
  });

  it('refuses a missing variable, naming variables.<name>', () => {
    const error = renderRefusal(() => render(template, { caseNumber: 'SP2026001' }, '潍坊'));
    expect(error.violations).toEqual([{ field: 'variables.item', description: 'is missing' }]);
  });

  it('refuses empty and blank values as missing, naming each', () => {
    const error = renderRefusal(() => render(template, { caseNumber: '', item: '  \n ' }, '潍坊'));
    expect(error.violations.map((v) => v.field)).toEqual(['variables.caseNumber', 'variables.item']);
  });

  it('refuses a missing variable whose name is also an Object property', () => {
    // Both names pass the template rules; reading them off a plain object would find Object.prototype's functions.
    const risky = { text: '编号${constructor}，${toString}。', variables: ['constructor', 'toString'] };
    const error = renderRefusal(() => render(risky, {}, '潍坊'));
    expect(error.violations.map((v) => v.field)).toEqual(['variables.constructor', 'variables.toString']);
  });

  it('needs no values for a template without variables', () => {
    expect(render({ text: '您的办件已办结。', variables: [] }, {}, '潍坊').text).toBe('【潍坊】您的办件已办结。');
  });

  it('shortens a value over 35 characters to 35 with …', () => {
    const long = '字'.repeat(MAX_VARIABLE_VALUE_LENGTH + 5);
    const rendered = render({ text: '事项${item}', variables: ['item'] }, { item: long }, '潍坊');
    const value = rendered.variables[0]!.value;
    expect(value).toHaveLength(MAX_VARIABLE_VALUE_LENGTH);
    expect(value).toBe(`${'字'.repeat(MAX_VARIABLE_VALUE_LENGTH - 1)}…`);
    expect(rendered.text).toBe(`【潍坊】事项${value}`);
  });

  it('keeps a value of exactly 35 characters whole', () => {
    const exact = 'a'.repeat(MAX_VARIABLE_VALUE_LENGTH);
    expect(render({ text: '事项${item}', variables: ['item'] }, { item: exact }, '潍坊').variables[0]!.value).toBe(
      exact,
    );
  });

  it('replaces the brackets the providers reserve, and folds whitespace', () => {
    const rendered = render(
      { text: '事项${item}', variables: ['item'] },
      { item: '  【加急】食品\n\t经营  许可  ' },
      '潍坊',
    );
    expect(rendered.variables[0]!.value).toBe('[加急]食品 经营 许可');
    expect(rendered.text).toBe('【潍坊】事项[加急]食品 经营 许可');
    expect(rendered.text.match(/【/g)).toHaveLength(1);
  });

  describe('length and parts', () => {
    // 【潍坊】 is 4 characters.
    const ofLength = (n: number) => render({ text: '字'.repeat(n - 4), variables: [] }, {}, '潍坊');

    it('counts the signature and the text', () => {
      const rendered = render(template, { item: '甲', caseNumber: '12' }, '潍坊');
      expect(rendered.length).toBe([...rendered.text].length);
      expect(rendered.length).toBe(4 + '您的办件12（甲）已受理，编号12。'.length);
    });

    it('fits 70 characters in one part', () => {
      expect(ofLength(70)).toMatchObject({ length: 70, parts: 1 });
    });

    it('splits a longer message into parts of 67', () => {
      expect(ofLength(71)).toMatchObject({ length: 71, parts: 2 });
      expect(ofLength(134)).toMatchObject({ length: 134, parts: 2 });
      expect(ofLength(135)).toMatchObject({ length: 135, parts: 3 });
      expect(ofLength(201)).toMatchObject({ length: 201, parts: 3 });
      expect(ofLength(202)).toMatchObject({ length: 202, parts: 4 });
    });

    it('counts a character outside the BMP once', () => {
      const rendered = render({ text: '𠀀'.repeat(66), variables: [] }, {}, '潍坊');
      expect(rendered).toMatchObject({ length: 70, parts: 1 });
    });
  });
});

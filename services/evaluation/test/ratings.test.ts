import { evaluationV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { waitFor } from '@govhall/testing';
import * as grpc from '@grpc/grpc-js';
import { evaluationEventsOn, invalid, refused } from './helpers';
import { startEvaluationForTest, type EvaluationUnderTest } from './start-for-test';

/** 好差评 over real PostgreSQL and nats-server: ratings, SMS links, rectifications, return visits, complaints. */
describe('evaluation: ratings, links, rectifications, return visits, complaints', () => {
  let t: EvaluationUnderTest;
  const L = pb.RatingLevel;
  const C = pb.RatingChannel;
  const INDICATORS = ['整体满意度', '服务效率', '服务水平', '服务态度'];
  const scores = (...levels: pb.RatingLevel[]) =>
    INDICATORS.map((indicator, i) => ({ indicator, level: levels[i] ?? levels[0]! }));
  let serial = 0;
  const rid = (what: string) => `${what}-${Date.now()}-${++serial}`;
  const city = () => t.under.demo.halls['city']!;
  const staff = (no: string) => t.under.demo.staff[no]!;

  beforeAll(async () => {
    t = await startEvaluationForTest();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** The SMS link evaluation issued when the case was completed (evaluation.rating.invited). */
  async function invitationOf(caseId: string): Promise<{ url: string; token: string; expiresAt: Date }> {
    let found: { url: string; expiresAt: Date } | undefined;
    await waitFor(
      async () => {
        const e = (await evaluationEventsOn(t.region)).find(
          (x) => x.event.type === 'evaluation.rating.invited' && x.event.data.caseId === caseId,
        );
        if (e?.event.type === 'evaluation.rating.invited')
          found = { url: e.event.data.url, expiresAt: e.event.data.expiresAt! };
        return !!found;
      },
      { timeoutMs: 15_000, what: 'the rating invitation' },
    );
    return { ...found!, token: found!.url.slice(found!.url.lastIndexOf('/') + 1) };
  }

  it('one rating per case whatever the channel (一事一评); each caller its own channels', async () => {
    const c = await t.completedCase('王淑芬');
    const gateway = await t.gateway();
    const clerk = await t.as('700GLB01');
    // Staff key in paper cards only, with the card's number; the gateway serves the device, kiosk and web.
    await invalid(
      callUnary(
        clerk,
        'rate',
        pb.RateRequest.fromPartial({
          requestId: rid('r'),
          caseId: c.caseId,
          channel: C.RATING_CHANNEL_KIOSK,
          scores: scores(L.RATING_LEVEL_SATISFIED),
          cardNumber: 'K1',
        }),
      ),
      'channel',
    );
    await invalid(
      callUnary(
        gateway,
        'rate',
        pb.RateRequest.fromPartial({
          requestId: rid('r'),
          caseId: c.caseId,
          channel: C.RATING_CHANNEL_PAPER_CARD,
          scores: scores(L.RATING_LEVEL_SATISFIED),
        }),
      ),
      'channel',
    );
    // Every indicator of the hall, on its scale.
    await invalid(
      callUnary(
        gateway,
        'rate',
        pb.RateRequest.fromPartial({
          requestId: rid('r'),
          caseId: c.caseId,
          channel: C.RATING_CHANNEL_WINDOW_DEVICE,
          scores: scores(L.RATING_LEVEL_SATISFIED).slice(0, 3),
        }),
      ),
      'scores',
    );

    const first = await callUnary(
      gateway,
      'rate',
      pb.RateRequest.fromPartial({
        requestId: rid('r'),
        caseId: c.caseId,
        channel: C.RATING_CHANNEL_WINDOW_DEVICE,
        scores: scores(L.RATING_LEVEL_VERY_SATISFIED, L.RATING_LEVEL_SATISFIED),
        windowId: t.under.demo.windows['city/B01']!,
        staffId: staff('700SCJG01'),
      }),
    );
    expect(first.rating).toMatchObject({
      caseNumber: c.caseNumber,
      channel: C.RATING_CHANNEL_WINDOW_DEVICE,
      overall: L.RATING_LEVEL_VERY_SATISFIED,
      bad: false,
      staffId: staff('700SCJG01'),
      hallId: city(),
    });
    expect(first.rating?.scores.map((s) => s.indicator)).toEqual(INDICATORS);
    expect(first.rectificationId).toBe('');

    // A second rating from any other channel is refused, and the link cannot be issued again.
    await refused(
      callUnary(
        clerk,
        'rate',
        pb.RateRequest.fromPartial({
          requestId: rid('r'),
          caseId: c.caseId,
          channel: C.RATING_CHANNEL_PAPER_CARD,
          scores: scores(L.RATING_LEVEL_DISSATISFIED),
          cardNumber: 'FK-0001',
        }),
      ),
      grpc.status.ALREADY_EXISTS,
      '一事一评',
    );
    await refused(
      callUnary(
        gateway,
        'rate',
        pb.RateRequest.fromPartial({
          requestId: rid('r'),
          caseNumber: c.caseNumber,
          channel: C.RATING_CHANNEL_WEB,
          scores: scores(L.RATING_LEVEL_SATISFIED),
        }),
      ),
      grpc.status.ALREADY_EXISTS,
    );
    await refused(
      callUnary(gateway, 'issueRatingLink', { requestId: rid('l'), caseId: c.caseId }),
      grpc.status.ALREADY_EXISTS,
    );
    const { token } = await invitationOf(c.caseId);
    await refused(
      callUnary(
        gateway,
        'rateByLink',
        pb.RateByLinkRequest.fromPartial({ requestId: rid('s'), token, scores: scores(L.RATING_LEVEL_SATISFIED) }),
      ),
      grpc.status.ALREADY_EXISTS,
    );
    // The same request again answers the first rating: nothing is recorded twice.
    const again = await callUnary(clerk, 'listRatings', {
      hallId: city(),
      departmentId: '',
      windowId: '',
      staffId: '',
      badOnly: false,
      pageSize: 200,
      pageToken: '',
    });
    expect(again.ratings.filter((r) => r.caseId === c.caseId)).toHaveLength(1);
  });

  it('the SMS link: signed, single use, expiring — forged, reused or expired each refused', async () => {
    const c = await t.completedCase('刘志强');
    const gateway = await t.gateway();
    const { url, token, expiresAt } = await invitationOf(c.caseId);
    expect(url).toBe(`https://zwfw.example.gov.cn/rate/${token}`);
    // Valid the hall's 7 days.
    expect(expiresAt.getTime() - t.clock.now().getTime()).toBeLessThanOrEqual(7 * 86_400_000);
    expect(expiresAt.getTime() - t.clock.now().getTime()).toBeGreaterThan(6 * 86_400_000);

    const invitation = await callUnary(gateway, 'getRatingInvitation', { token });
    expect(invitation).toMatchObject({
      caseNumber: c.caseNumber,
      scale: pb.RatingScale.RATING_SCALE_FIVE_LEVEL,
      indicators: INDICATORS,
    });

    // Forged: one character of the signature changed; a made-up token; another id with this signature.
    const [id, signature] = token.split('.') as [string, string];
    const flipped = `${id}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [flipped, `${id}.${'x'.repeat(22)}`, `AAAAAAAAAAA.${signature}`, 'not-a-token'])
      await refused(
        callUnary(
          gateway,
          'rateByLink',
          pb.RateByLinkRequest.fromPartial({
            requestId: rid('s'),
            token: forged,
            scores: scores(L.RATING_LEVEL_SATISFIED),
          }),
        ),
        grpc.status.PERMISSION_DENIED,
        'not a rating link',
      );

    const rated = await callUnary(
      gateway,
      'rateByLink',
      pb.RateByLinkRequest.fromPartial({
        requestId: rid('s'),
        token,
        scores: scores(L.RATING_LEVEL_SATISFIED),
        comment: '办事很快',
      }),
    );
    expect(rated.rating).toMatchObject({
      caseId: c.caseId,
      channel: C.RATING_CHANNEL_SMS_LINK,
      overall: L.RATING_LEVEL_SATISFIED,
    });
    // Reused: refused, also for its invitation.
    await refused(
      callUnary(
        gateway,
        'rateByLink',
        pb.RateByLinkRequest.fromPartial({ requestId: rid('s'), token, scores: scores(L.RATING_LEVEL_VERY_SATISFIED) }),
      ),
      grpc.status.PERMISSION_DENIED,
      'used already',
    );
    await refused(callUnary(gateway, 'getRatingInvitation', { token }), grpc.status.PERMISSION_DENIED, 'used already');

    // Expired: another case's link, eight days on.
    const late = await t.completedCase('周海燕');
    const lateLink = await invitationOf(late.caseId);
    const now = t.clock.now();
    try {
      (t.clock as unknown as { set(at: Date): void }).set(new Date(now.getTime() + 8 * 86_400_000));
      await refused(
        callUnary(
          gateway,
          'rateByLink',
          pb.RateByLinkRequest.fromPartial({
            requestId: rid('s'),
            token: lateLink.token,
            scores: scores(L.RATING_LEVEL_SATISFIED),
          }),
        ),
        grpc.status.PERMISSION_DENIED,
        'expired',
      );
    } finally {
      (t.clock as unknown as { set(at: Date): void }).set(now);
    }
    // Still unused: it works again within its days (the refusal changed nothing).
    expect((await callUnary(gateway, 'getRatingInvitation', { token: lateLink.token })).caseNumber).toBe(
      late.caseNumber,
    );
  });

  it('a bad review opens a rectification for whoever served, due in working days; a real-name one gets a return visit (100%)', async () => {
    const gateway = await t.gateway();
    const named = await t.completedCase('陈立新');
    const anonymous = await t.completedCase('赵明');
    const at = t.clock.now();
    const bad = await callUnary(
      gateway,
      'rate',
      pb.RateRequest.fromPartial({
        requestId: rid('r'),
        caseId: named.caseId,
        channel: C.RATING_CHANNEL_KIOSK,
        scores: scores(L.RATING_LEVEL_DISSATISFIED, L.RATING_LEVEL_SATISFIED),
        comment: '窗口人员态度生硬',
        rater: { name: '陈立新', phone: '13905361234' },
      }),
    );
    expect(bad.rating?.bad).toBe(true);
    // The rater's phone is never answered in full, not even to the gateway that sent it.
    expect(JSON.stringify(bad)).not.toContain('13905361234');
    const anonymousBad = await callUnary(
      gateway,
      'rate',
      pb.RateRequest.fromPartial({
        requestId: rid('r'),
        caseId: anonymous.caseId,
        channel: C.RATING_CHANNEL_WEB,
        scores: scores(L.RATING_LEVEL_VERY_DISSATISFIED),
      }),
    );
    const supervisor = await t.as('700GLB03');
    const { rectification } = await callUnary(supervisor, 'getRectification', { id: bad.rectificationId });
    // TEST_NOW is Monday 2026-10-12 09:30: five working days on is Monday 2026-10-19 09:30.
    expect(at.toISOString()).toBe('2026-10-12T01:30:00.000Z');
    expect(rectification).toMatchObject({
      status: pb.RectificationStatus.RECTIFICATION_STATUS_OPEN,
      assigneeStaffId: staff('700SCJG01'),
      dueAt: new Date('2026-10-19T09:30:00+08:00'),
      level: L.RATING_LEVEL_DISSATISFIED,
      reviewComment: '窗口人员态度生硬',
    });
    expect(rectification?.returnVisitId).not.toBe('');
    const anonymousRectification = (
      await callUnary(supervisor, 'getRectification', { id: anonymousBad.rectificationId })
    ).rectification;
    expect(anonymousRectification?.returnVisitId).toBe('');

    // The return visit task: the real-name one only, with its contact (masked) for the supervision office.
    const tasks = await callUnary(supervisor, 'listReturnVisits', {
      hallId: city(),
      status: pb.ReturnVisitStatus.RETURN_VISIT_STATUS_PENDING,
      kind: pb.ReturnVisitKind.RETURN_VISIT_KIND_BAD_REVIEW,
      pageSize: 200,
      pageToken: '',
    });
    const forNamed = tasks.visits.filter((v) => v.caseId === named.caseId);
    expect(forNamed).toHaveLength(1);
    expect(forNamed[0]).toMatchObject({
      contact: { name: '陈立新', phone: '139****1234' },
      rectificationId: bad.rectificationId,
    });
    expect(tasks.visits.some((v) => v.caseId === anonymous.caseId)).toBe(false);
    // Staff cannot read the task list (it holds raters).
    await refused(
      callUnary(await t.as('700SCJG01'), 'listReturnVisits', {
        hallId: city(),
        status: pb.ReturnVisitStatus.RETURN_VISIT_STATUS_UNSPECIFIED,
        kind: pb.ReturnVisitKind.RETURN_VISIT_KIND_UNSPECIFIED,
        pageSize: 10,
        pageToken: '',
      }),
      grpc.status.PERMISSION_DENIED,
    );

    // Only the assignee resolves it; after the deadline it is marked late.
    await refused(
      callUnary(await t.as('700SCJG02'), 'resolveRectification', {
        requestId: rid('x'),
        id: bad.rectificationId,
        outcome: pb.RectificationOutcome.RECTIFICATION_OUTCOME_FIXED_AT_ONCE,
        resolution: '当场致歉并改进',
      }),
      grpc.status.PERMISSION_DENIED,
      'assigned to someone else',
    );
    const now = t.clock.now();
    const clock = t.clock as unknown as { set(at: Date): void };
    try {
      clock.set(new Date('2026-10-20T10:00:00+08:00'));
      const resolved = await callUnary(await t.as('700SCJG01'), 'resolveRectification', {
        requestId: rid('x'),
        id: bad.rectificationId,
        outcome: pb.RectificationOutcome.RECTIFICATION_OUTCOME_FIXED_BY_DEADLINE,
        resolution: '已组织窗口人员学习服务规范，向申请人致歉',
      });
      expect(resolved.rectification).toMatchObject({
        status: pb.RectificationStatus.RECTIFICATION_STATUS_FIXED_BY_DEADLINE,
        late: true,
      });
      const visit = await callUnary(supervisor, 'recordReturnVisit', {
        requestId: rid('v'),
        visitId: forNamed[0]!.id,
        hallId: '',
        caseId: '',
        channel: pb.ReturnVisitChannel.RETURN_VISIT_CHANNEL_PHONE,
        outcome: '申请人表示满意整改结果',
        satisfied: true,
      });
      expect(visit.visit?.status).toBe(pb.ReturnVisitStatus.RETURN_VISIT_STATUS_DONE);
      // Routine visits, counted by channel (回访...现场83次、电话32次).
      for (const channel of [
        pb.ReturnVisitChannel.RETURN_VISIT_CHANNEL_ON_SITE,
        pb.ReturnVisitChannel.RETURN_VISIT_CHANNEL_ON_SITE,
      ])
        await callUnary(supervisor, 'recordReturnVisit', {
          requestId: rid('v'),
          visitId: '',
          hallId: city(),
          caseId: named.caseId,
          channel,
          outcome: '当面交谈，了解办件情况',
          satisfied: true,
        });
      const counts = await callUnary(supervisor, 'getReturnVisitCounts', {
        hallId: city(),
        fromDate: '2026-10-01',
        toDate: '2026-10-31',
      });
      expect(counts.summary).toMatch(/^现场回访\d+次、电话回访\d+次$/);
      const by = (ch: pb.ReturnVisitChannel) =>
        counts.counts.filter((x) => x.channel === ch).reduce((n, x) => n + x.visits, 0);
      expect(by(pb.ReturnVisitChannel.RETURN_VISIT_CHANNEL_ON_SITE)).toBeGreaterThanOrEqual(2);
      expect(counts.total).toBe(counts.counts.reduce((n, x) => n + x.visits, 0));
    } finally {
      clock.set(now);
    }
    // Published without rater or handler.
    const published = await callUnary(t.anonymous(), 'listPublishedRectifications', {
      hallId: city(),
      month: '2026-10',
    });
    const row = published.rectifications.find((x) => x.caseNumber === named.caseNumber);
    expect(row).toMatchObject({ resolution: '已组织窗口人员学习服务规范，向申请人致歉' });
    expect(JSON.stringify(published)).not.toContain('陈立新');
  });

  it('an appeal of a mistaken review, re-checked by the supervision office: upheld, the review counts nowhere', async () => {
    const gateway = await t.gateway();
    const c = await t.completedCase('孙悦');
    const bad = await callUnary(
      gateway,
      'rate',
      pb.RateRequest.fromPartial({
        requestId: rid('r'),
        caseId: c.caseId,
        channel: C.RATING_CHANNEL_WINDOW_DEVICE,
        scores: scores(L.RATING_LEVEL_VERY_DISSATISFIED),
        comment: '按错了',
      }),
    );
    const clerk = await t.as('700SCJG01');
    const appealed = await callUnary(clerk, 'appealRectification', {
      requestId: rid('a'),
      id: bad.rectificationId,
      reason: '申请人当场表示误按评价器',
    });
    expect(appealed.rectification?.status).toBe(pb.RectificationStatus.RECTIFICATION_STATUS_APPEALED);
    // Not the appellant's own call, and not for plain staff.
    await refused(
      callUnary(clerk, 'decideAppeal', { requestId: rid('d'), id: bad.rectificationId, upheld: true, note: '同意' }),
      grpc.status.PERMISSION_DENIED,
    );
    const supervisor = await t.as('700GLB03');
    const decided = await callUnary(supervisor, 'decideAppeal', {
      requestId: rid('d'),
      id: bad.rectificationId,
      upheld: true,
      note: '经调阅视频，系误评',
    });
    expect(decided.rectification).toMatchObject({
      status: pb.RectificationStatus.RECTIFICATION_STATUS_WITHDRAWN,
      appeal: { upheld: true },
    });
    expect((await callUnary(supervisor, 'getRating', { caseId: c.caseId })).rating?.withdrawn).toBe(true);
    const facts = await callUnary(supervisor, 'listAssessmentFacts', {
      hallId: city(),
      month: '2026-10',
      staffId: staff('700SCJG01'),
      pageSize: 500,
      pageToken: '',
    });
    const deduction = facts.facts.find((f) => f.code === 'rating_bad' && f.caseId === c.caseId);
    expect(deduction).toMatchObject({ voided: true, voidReason: '申诉复核：误评' });
  });

  it('staff cannot see who rated them; the supervision office can; no event carries the rater', async () => {
    const gateway = await t.gateway();
    const c = await t.completedCase('钱玉兰');
    await callUnary(
      gateway,
      'rate',
      pb.RateRequest.fromPartial({
        requestId: rid('r'),
        caseId: c.caseId,
        channel: C.RATING_CHANNEL_WEB,
        scores: scores(L.RATING_LEVEL_BASICALLY_SATISFIED),
        rater: { name: '钱玉兰', phone: '13705361111' },
      }),
    );
    const clerk = await t.as('700SCJG01');
    const asStaff = await callUnary(clerk, 'getRating', { caseId: c.caseId });
    expect(asStaff.rating?.realName).toBe(true);
    expect(asStaff.rating?.rater).toBeUndefined();
    const listed = await callUnary(clerk, 'listRatings', {
      hallId: city(),
      departmentId: '',
      windowId: '',
      staffId: staff('700SCJG01'),
      badOnly: false,
      pageSize: 200,
      pageToken: '',
    });
    expect(listed.ratings.length).toBeGreaterThan(0);
    expect(listed.ratings.every((r) => r.rater === undefined)).toBe(true);
    expect(JSON.stringify(listed)).not.toContain('钱玉兰');
    const asSupervisor = await callUnary(await t.as('700GLB03'), 'getRating', { caseId: c.caseId });
    expect(asSupervisor.rating?.rater).toEqual({ name: '钱玉兰', phone: '137****1111' });
    const events = await evaluationEventsOn(t.region);
    expect(
      events.some((e) => e.event.type === 'evaluation.rating.recorded' && e.event.data.rating?.caseId === c.caseId),
    ).toBe(true);
    expect(JSON.stringify(events.map((e) => e.raw))).not.toContain('钱玉兰');
  });

  it('rating rate and satisfaction per hall, department, window and staff member', async () => {
    const clerk = await t.as('700SCJG01');
    const rates = await callUnary(clerk, 'getEvaluationRates', {
      hallId: city(),
      fromDate: '2026-10-01',
      toDate: '2026-10-31',
      groupBy: pb.RateGrouping.RATE_GROUPING_HALL,
    });
    const hall = rates.rates[0]!;
    expect(hall.completedCases).toBeGreaterThanOrEqual(hall.ratings);
    expect(hall.ratingRateBasisPoints).toBe(Math.round((hall.ratings * 10_000) / hall.completedCases));
    expect(hall.satisfactionBasisPoints).toBe(Math.round((hall.satisfied * 10_000) / hall.ratings));
    const byStaff = await callUnary(clerk, 'getEvaluationRates', {
      hallId: city(),
      fromDate: '2026-10-01',
      toDate: '2026-10-31',
      groupBy: pb.RateGrouping.RATE_GROUPING_STAFF,
    });
    expect(byStaff.rates.find((r) => r.key === staff('700SCJG01'))?.ratings).toBe(hall.ratings);
    await invalid(
      callUnary(clerk, 'getEvaluationRates', {
        hallId: city(),
        fromDate: '2026-10-31',
        toDate: '2026-10-01',
        groupBy: pb.RateGrouping.RATE_GROUPING_HALL,
      }),
      'to_date',
    );
  });

  it('a complaint goes accept → investigate → handle → reply → archive, in order, each step with its deadline', async () => {
    const c = await t.completedCase('吴晓东');
    const desk = await t.as('700GLB03');
    await invalid(
      callUnary(
        desk,
        'fileComplaint',
        pb.FileComplaintRequest.fromPartial({
          requestId: rid('c'),
          hallId: city(),
          channel: pb.ComplaintChannel.COMPLAINT_CHANNEL_PHONE,
          content: '差',
          complainantPhone: '123',
        }),
      ),
      'content',
    );
    const { complaint } = await callUnary(
      desk,
      'fileComplaint',
      pb.FileComplaintRequest.fromPartial({
        requestId: rid('c'),
        hallId: city(),
        channel: pb.ComplaintChannel.COMPLAINT_CHANNEL_PHONE,
        content: '窗口工作人员办理时接打私人电话，让群众久等',
        complainantName: '吴晓东',
        complainantPhone: '13605369876',
        caseNumber: c.caseNumber,
      }),
    );
    const S = pb.ComplaintStep;
    expect(complaint).toMatchObject({
      step: S.COMPLAINT_STEP_ACCEPTED,
      caseId: c.caseId,
      staffId: staff('700SCJG01'),
      windowId: t.under.demo.windows['city/B01'],
      complainant: { name: '吴晓东', phone: '136****9876' },
    });
    expect(complaint?.number).toMatch(new RegExp(`^TS${t.region}-20261012-\\d{4}$`));
    // Investigation due in 5 working days (Monday 09:30 → next Monday 09:30).
    expect(complaint?.steps[1]).toMatchObject({
      step: S.COMPLAINT_STEP_INVESTIGATED,
      dueAt: new Date('2026-10-19T09:30:00+08:00'),
    });
    // Staff see it without the complainant.
    expect(
      (await callUnary(await t.as('700SCJG01'), 'getComplaint', { id: complaint!.id })).complaint?.complainant,
    ).toBeUndefined();

    const step = (s: pb.ComplaintStep, note: string, substantiated = false) =>
      callUnary(desk, 'advanceComplaint', { requestId: rid('s'), id: complaint!.id, step: s, note, substantiated });
    await refused(step(S.COMPLAINT_STEP_REPLIED, '答复'), grpc.status.FAILED_PRECONDITION, '调查');
    await step(S.COMPLAINT_STEP_INVESTIGATED, '调阅视频，情况属实');
    const clock = t.clock as unknown as { set(at: Date): void };
    const now = t.clock.now();
    try {
      // Handled late: eight working days after the investigation (its limit is five).
      clock.set(new Date('2026-10-22T10:00:00+08:00'));
      const handled = await step(S.COMPLAINT_STEP_HANDLED, '对当事窗口人员批评教育，扣减当月考核分', true);
      expect(handled.complaint?.steps.find((x) => x.step === S.COMPLAINT_STEP_HANDLED)).toMatchObject({ late: true });
      expect(handled.complaint?.substantiated).toBe(true);
      const overdue = await callUnary(desk, 'listComplaints', {
        hallId: city(),
        openOnly: true,
        overdueOnly: false,
        staffId: '',
        pageSize: 50,
        pageToken: '',
      });
      expect(overdue.complaints.some((x) => x.id === complaint!.id)).toBe(true);
      const replied = await step(S.COMPLAINT_STEP_REPLIED, '已电话答复投诉人处理结果');
      expect(replied.complaint?.reply).toBe('已电话答复投诉人处理结果');
      const archived = await step(S.COMPLAINT_STEP_ARCHIVED, '归档');
      expect(archived.complaint?.steps.map((x) => x.step)).toEqual([
        S.COMPLAINT_STEP_ACCEPTED,
        S.COMPLAINT_STEP_INVESTIGATED,
        S.COMPLAINT_STEP_HANDLED,
        S.COMPLAINT_STEP_REPLIED,
        S.COMPLAINT_STEP_ARCHIVED,
      ]);
      expect(archived.complaint?.steps.every((x) => x.doneAt)).toBe(true);
      await refused(step(S.COMPLAINT_STEP_ARCHIVED, '再次归档'), grpc.status.FAILED_PRECONDITION, 'archived');
    } finally {
      clock.set(now);
    }
    // Substantiated: a fact of the monthly assessment against the staff member.
    const facts = await callUnary(desk, 'listAssessmentFacts', {
      hallId: city(),
      month: '2026-10',
      staffId: staff('700SCJG01'),
      pageSize: 500,
      pageToken: '',
    });
    expect(facts.facts.some((f) => f.code === 'complaint_substantiated' && f.caseId === c.caseId)).toBe(true);
  });
});

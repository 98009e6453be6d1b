import type { ItemContent } from './items';
import {
  excerptField,
  foldGuideText,
  guideDocument,
  guideExcerpt,
  guideTerms,
  indexedGuideText,
  minimumCoveredTerms,
  parseGuideQuery,
} from './items-search';

const content = (overrides: Partial<ItemContent> = {}): ItemContent => ({
  baseCode: '000105001000',
  implementationCode: '11370700MB2812345X000105001000',
  name: '食品经营许可',
  departmentId: 'dept-scjg',
  bodyNature: 'legal_organ',
  itemType: 'licensing',
  exercisingTier: 'city',
  duties: '负责食品经营许可的受理、审查和发证',
  legalBasis: [{ name: '《中华人民共和国食品安全法》', article: '第三十五条', text: '' }],
  acceptanceConditions: ['申请人已取得营业执照'],
  prerequisites: [],
  notificationCommitment: false,
  procedure: {
    description: '受理 → 审核 → 审批 → 发证',
    channels: { onlineDepth: 3, appointment: true, expressDelivery: true, onlinePayment: false },
  },
  statutoryLimit: { amount: 20, unit: 'working_days' },
  promisedLimit: { amount: 5, unit: 'working_days' },
  acceptanceLimit: { amount: 4, unit: 'working_hours' },
  stageBudgets: [],
  limitNote: '',
  commitment: { text: '最多跑一次', maxVisits: 1 },
  free: true,
  feeItems: [],
  result: { name: '食品经营许可证', kind: 'certificate', sampleRef: '' },
  caseType: 'promised',
  reviewMode: 'single',
  situations: [],
  materials: [],
  acceptTiers: ['city'],
  approveTier: 'city',
  handlingScope: 'local',
  delegation: null,
  joint: null,
  missingMaterials: null,
  reported: null,
  refusalFilingRequired: false,
  publishResults: false,
  extensionLimit: null,
  ...overrides,
});

describe('guide terms', () => {
  it('indexes Chinese as single characters and bigrams, other letters and digits as whole words', () => {
    expect(guideTerms('营业执照')).toEqual(['业', '业执', '执', '执照', '照', '营', '营业'].sort());
    // Punctuation and spaces separate; a latin word stands whole, full width folded and lower-cased.
    expect(guideTerms('ＩＣＰ许可，B2C 平台')).toEqual(['b2c', 'icp', '可', '台', '平', '平台', '许', '许可'].sort());
    expect(guideTerms('2024年')).toEqual(['2024', '年']);
    expect(guideTerms('  ，。')).toEqual([]);
  });

  it('folds width and case one character at a time', () => {
    expect(foldGuideText('ＡＢｃ１２')).toBe('abc12');
  });
});

describe('guide queries', () => {
  it('looks up bigrams of a Chinese phrase and keeps the phrase for exact matching', () => {
    const { query, violations } = parseGuideQuery(' 营业执照 ');
    expect(violations).toEqual([]);
    expect(query).toEqual({ terms: ['业执', '执照', '营业'], phrases: ['营业执照'] });
    // More than half: two of three; both of two; one of one.
    expect(minimumCoveredTerms(query)).toBe(2);
    expect(minimumCoveredTerms(parseGuideQuery('B2C平台').query)).toBe(2);
    expect(minimumCoveredTerms(parseGuideQuery('税').query)).toBe(1);
    expect(minimumCoveredTerms(parseGuideQuery('办理营业执照').query)).toBe(3);
  });

  it('looks up a single character by itself, and latin words whole', () => {
    expect(parseGuideQuery('税').query).toEqual({ terms: ['税'], phrases: ['税'] });
    expect(parseGuideQuery('B2C平台').query).toEqual({ terms: ['b2c', '平台'], phrases: ['b2c平台'] });
    expect(parseGuideQuery('办理 食品经营许可').query.phrases).toEqual(['办理', '食品经营许可']);
  });

  it('refuses a query with nothing to look up, or too long, on the query field', () => {
    expect(parseGuideQuery(' ，。！').violations).toEqual([
      { field: 'query', description: 'must contain a Chinese character, a letter or a digit' },
    ]);
    expect(parseGuideQuery('营'.repeat(65)).violations.map((v) => v.field)).toEqual(['query']);
  });
});

describe('guide documents and excerpts', () => {
  it('indexes the name, codes, department, disclosures and material names as separate weighted fields', () => {
    const fields = guideDocument(
      content({
        materials: [
          {
            code: 'M01',
            name: '营业执照复印件',
            necessity: 'required',
            form: 'copy',
            copies: 1,
            originalForCheck: true,
            source: 'government',
            sourceDepartment: '',
            paperSize: 'A4',
            blankFormRef: '',
            sampleRef: '',
            acceptanceStandard: '',
            basis: '',
            mayBeAcceptedMissing: false,
            situationCodes: [],
            certificateName: '营业执照',
          },
        ],
      }),
      '潍坊市市场监督管理局',
    );
    const byField = new Map(fields.map((f) => [f.field, f]));
    expect([...byField.keys()].sort()).toEqual(
      [
        'code',
        'commitment',
        'conditions',
        'department',
        'duties',
        'fees',
        'legal_basis',
        'limits',
        'materials',
        'name',
        'procedure',
        'result',
      ].sort(),
    );
    expect(byField.get('name')!.weight).toBeGreaterThan(byField.get('materials')!.weight);
    expect(byField.get('materials')!.terms).toContain('执照');
    expect(byField.get('fees')!.text).toBe('不收费');
    expect(byField.get('limits')!.text).toContain('法定时限20个工作日');
    expect(byField.get('code')!.terms).toContain('000105001000');
  });

  it('indexes a field holding a full form under what applicants type for it (社保卡 for 社会保障卡)', () => {
    expect(indexedGuideText('社会保障卡申领')).toBe('社会保障卡申领 社保卡');
    expect(indexedGuideText('社会保险费')).toBe('社会保险费 社保');
    expect(guideTerms(indexedGuideText('社会保障卡申领'))).toEqual(expect.arrayContaining(['社保', '保卡']));
    expect(indexedGuideText('环评审批（环境影响评价）')).toBe('环评审批(环境影响评价)');
    const byField = new Map(guideDocument(content({ name: '社会保障卡申领' }), '人社局').map((f) => [f.field, f]));
    expect(byField.get('name')!.terms).toContain('保卡');
  });

  it('quotes the best field that matched, or the duties when the answer shows that field anyway', () => {
    expect(excerptField(['materials', 'name'])).toBe('materials');
    expect(excerptField(['name', 'materials', 'duties'])).toBe('duties');
    expect(excerptField(['department'])).toBe('duties');
  });

  it('cuts an excerpt around the first phrase found, marking the cuts', () => {
    const { query } = parseGuideQuery('营业执照');
    const text = `${'甲'.repeat(50)}申请人须持有营业执照原件${'乙'.repeat(50)}`;
    const excerpt = guideExcerpt(text, query, 30);
    expect(excerpt).toContain('营业执照');
    expect(excerpt.startsWith('…')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(Array.from(excerpt.replace(/…/g, ''))).toHaveLength(30);
    expect(guideExcerpt('短文本 营业执照', query)).toBe('短文本 营业执照');
    // Matching ignores width and case; the excerpt keeps the original.
    expect(guideExcerpt(`${'丙'.repeat(40)}ＩＣＰ备案`, parseGuideQuery('icp').query, 10)).toContain('ＩＣＰ');
  });
});

import type { OrganisationService } from '../app/organisation-service';
import type { BodyNature, HallInput, HallTier, StaffRole, WindowKind } from '../domain/organisation';

/**
 * Demo organisation for the embedded start: Weifang city hall (潍坊市, 370700), Kuiwen district (奎文区,
 * 370705) and Dongguan street (东关街道, 370705001), with departments, numbered windows, staff in every role
 * and each department's leader chain. Names and numbers are invented.
 *
 * Every command uses a fixed request id, so loading twice changes nothing: the second load replays.
 */
interface DemoDepartment {
  code: string;
  name: string;
  nature?: BodyNature;
  /** Department windows: number and name. */
  windows: Array<[string, string]>;
  /** Roles staffed, one person each; leaders get a leader chain. */
  roles: StaffRole[];
}

interface DemoHall {
  key: string;
  hall: Omit<HallInput, 'parentHallId'> & { tier: HallTier };
  parentKey?: string;
  departments: DemoDepartment[];
  /** Hall-level windows: number, name, kind, codes of the departments served. */
  sharedWindows: Array<[string, string, WindowKind, string[]]>;
}

const FULL_CHAIN: StaffRole[] = [
  'clerk',
  'reviewer',
  'verifier',
  'approver',
  'chief_representative',
  'deputy_leader',
  'principal_leader',
];
const SMALL_CHAIN: StaffRole[] = ['clerk', 'reviewer', 'approver', 'deputy_leader', 'principal_leader'];

export const DEMO_HALLS: readonly DemoHall[] = [
  {
    key: 'city',
    hall: { name: '潍坊市政务服务中心', tier: 'city', regionCode: '370700', address: '潍坊市奎文区福寿东街6396号' },
    departments: [
      {
        code: 'GLB',
        name: '市政务服务中心管理办公室',
        windows: [],
        roles: ['clerk', 'clerk', 'supervisor', 'supervisor', 'deputy_leader', 'principal_leader'],
      },
      {
        code: 'SCJG',
        name: '市市场监督管理局',
        windows: [
          ['B01', '市场主体登记窗口'],
          ['B02', '食品经营许可窗口'],
        ],
        roles: FULL_CHAIN,
      },
      { code: 'FGW', name: '市发展和改革委员会', windows: [['B03', '投资项目审批窗口']], roles: FULL_CHAIN },
      { code: 'ZRZY', name: '市自然资源和规划局', windows: [['B04', '用地规划窗口']], roles: FULL_CHAIN },
      { code: 'ZJJ', name: '市住房和城乡建设局', windows: [['B05', '施工许可窗口']], roles: FULL_CHAIN },
      { code: 'STHJ', name: '市生态环境局', windows: [['B06', '环评审批窗口']], roles: FULL_CHAIN },
      { code: 'GAJ', name: '市公安局', windows: [['B07', '户政窗口']], roles: FULL_CHAIN },
      { code: 'RSJ', name: '市人力资源和社会保障局', windows: [['B08', '社保业务窗口']], roles: FULL_CHAIN },
      { code: 'SWJ', name: '国家税务总局潍坊市税务局', windows: [['B09', '税务登记窗口']], roles: FULL_CHAIN },
      {
        code: 'BDC',
        name: '市不动产登记中心',
        nature: 'authorised',
        windows: [['B10', '不动产登记窗口']],
        roles: FULL_CHAIN,
      },
      { code: 'WJW', name: '市卫生健康委员会', windows: [['B11', '医疗机构许可窗口']], roles: FULL_CHAIN },
    ],
    sharedWindows: [
      ['A01', '综合受理总台', 'front_desk', []],
      ['A02', '企业开办综合窗口', 'comprehensive', ['SCJG', 'SWJ', 'GAJ']],
      ['A03', '工程建设项目综合窗口', 'comprehensive', ['FGW', 'ZRZY', 'ZJJ', 'STHJ']],
      ['C01', '银行收费窗口', 'cashier', []],
      ['D01', '统一出件窗口', 'certificate', []],
    ],
  },
  {
    key: 'district',
    parentKey: 'city',
    hall: { name: '奎文区政务服务中心', tier: 'district', regionCode: '370705', address: '潍坊市奎文区文化路' },
    departments: [
      { code: 'QSCJ', name: '奎文区市场监督管理局', windows: [['B01', '个体工商户登记窗口']], roles: SMALL_CHAIN },
      { code: 'QRSJ', name: '奎文区人力资源和社会保障局', windows: [['B02', '就业创业窗口']], roles: SMALL_CHAIN },
      { code: 'QZJJ', name: '奎文区住房和城乡建设局', windows: [['B03', '房屋交易窗口']], roles: SMALL_CHAIN },
    ],
    sharedWindows: [['A01', '综合受理总台', 'front_desk', []]],
  },
  {
    key: 'township',
    parentKey: 'district',
    hall: { name: '东关街道便民服务中心', tier: 'township', regionCode: '370705001', address: '奎文区东关街道' },
    departments: [
      { code: 'SHSW', name: '东关街道社会事务办公室', nature: 'entrusted', windows: [], roles: SMALL_CHAIN },
      {
        code: 'SBZ',
        name: '东关街道社会保障服务站',
        nature: 'entrusted',
        windows: [],
        roles: ['clerk', 'reviewer', 'deputy_leader', 'principal_leader'],
      },
    ],
    sharedWindows: [['A01', '便民服务综合窗口', 'comprehensive', ['SHSW', 'SBZ']]],
  },
];

const SURNAMES =
  '王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = [
  '晓明',
  '建国',
  '丽娜',
  '海燕',
  '志强',
  '秀英',
  '国庆',
  '文静',
  '春梅',
  '宏伟',
  '玉兰',
  '俊杰',
  '雪梅',
  '立新',
  '红霞',
  '子涵',
];

function personName(n: number): string {
  return `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length + n) % GIVEN.length]}`;
}

export interface DemoSummary {
  halls: number;
  departments: number;
  windows: number;
  staff: number;
}

/** Loads (or replays) the demo organisation; returns what it holds. */
export async function loadDemoOrganisation(service: OrganisationService): Promise<DemoSummary> {
  const summary: DemoSummary = { halls: 0, departments: 0, windows: 0, staff: 0 };
  const hallIds = new Map<string, string>();
  let person = 0;
  for (const demo of DEMO_HALLS) {
    const rid = (suffix: string): { requestId: string } => ({ requestId: `demo-${demo.key}-${suffix}` });
    const hall = await service.createHall(rid('hall'), {
      ...demo.hall,
      parentHallId: demo.parentKey ? (hallIds.get(demo.parentKey) ?? null) : null,
    });
    hallIds.set(demo.key, hall.id);
    summary.halls += 1;

    const departmentIds = new Map<string, string>();
    for (const department of demo.departments) {
      const created = await service.createDepartment(rid(`dept-${department.code}`), {
        hallId: hall.id,
        code: department.code,
        name: department.name,
        nature: department.nature ?? 'legal_organ',
      });
      departmentIds.set(department.code, created.id);
      summary.departments += 1;
    }

    const windowIds = new Map<string, string>();
    const windows: Array<[string, string, WindowKind, string[]]> = [
      ...demo.sharedWindows,
      ...demo.departments.flatMap((d) =>
        d.windows.map(([number, name]): [string, string, WindowKind, string[]] => [
          number,
          name,
          'department',
          [d.code],
        ]),
      ),
    ];
    for (const [number, name, kind, codes] of windows) {
      const window = await service.createWindow(rid(`window-${number}`), {
        hallId: hall.id,
        number,
        name,
        kind,
        departmentIds: codes.map((code) => departmentIds.get(code)!),
      });
      windowIds.set(number, window.id);
      summary.windows += 1;
    }

    for (const department of demo.departments) {
      const departmentId = departmentIds.get(department.code)!;
      const holders = new Map<StaffRole, string>();
      for (const [index, role] of department.roles.entries()) {
        person += 1;
        const ownWindow =
          department.windows[0]?.[0] ?? (department.code === 'GLB' ? 'A01' : demo.sharedWindows[0]?.[0]);
        const staff = await service.createStaff(rid(`staff-${department.code}-${index}`), {
          hallId: hall.id,
          departmentId,
          employeeNo: `${demo.hall.regionCode.slice(-3)}${department.code}${String(index + 1).padStart(2, '0')}`,
          name: personName(person),
          mobile: `1390536${String(person).padStart(4, '0')}`,
          roles: [role],
          windowId: role === 'clerk' && ownWindow ? (windowIds.get(ownWindow) ?? null) : null,
        });
        if (!holders.has(role)) holders.set(role, staff.id);
        summary.staff += 1;
      }
      const deputy = holders.get('deputy_leader');
      const principal = holders.get('principal_leader');
      if (deputy && principal) {
        await service.setLeaderChain(rid(`chain-${department.code}`), {
          departmentId,
          chiefRepresentativeId: holders.get('chief_representative') ?? null,
          deputyLeaderId: deputy,
          principalLeaderId: principal,
        });
      }
    }
  }
  return summary;
}

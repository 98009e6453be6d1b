import { catalogueItemsV1, catalogueV1, feeV1 } from '@govhall/contracts';
import { callUnary, type Actor, type Clock } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import type { FeeService } from '../app/fee-service';
import { chinaDate } from '../domain/ledger';
import { yuan } from '../domain/money';

// The embedded start's fee demo (一费制 in the city hall of the demo, Weifang 370700): the one-fee scope covers
// the construction projects' joint item (企业投资项目并联审批), whose bills carry three departments' fees (住建、
// 自然资源、不动产); the bills open by themselves from the demo cases intake accepts. The loader confirms and
// issues one of them (left unpaid), pays another at the bank counter (apportioned, receipts issued), and records
// a performance deposit whose refund waits for the centre's two heads. In the district it pays the 房屋登记费 of
// the case demo's 两证齐发 house case, whose certificate the case demo issues as paid: the two services agree.
// Every step has a fixed request id, so a second start on the same data folder changes nothing.

/** The joint item of the demo's construction projects (services/catalogue/demo/items/02-investment-construction.yaml). */
export const DEMO_JOINT_ITEM = '11370700FGW000199002000';

/**
 * The payer of the case demo's 两证齐发 house case in the district (services/case/demo/cases.yaml,
 * two-certificates-house), whose fees that demo reports paid before issuing its certificate.
 */
export const DEMO_DISTRICT_PAID_PAYER = '杨晓梅';

export interface DemoScope {
  readonly cityHallId: string;
  readonly jointItemId: string;
  /** The district hall, where the demo's house case is billed; absent from a catalogue without one. */
  readonly districtHallId?: string;
}

/** The city hall and the joint item, read from the catalogue (public calls), once its demo is loaded. */
export async function demoScopeOf(catalogueAddress: string): Promise<DemoScope | undefined> {
  const organisation = new catalogueV1.OrganisationServiceClient(catalogueAddress, grpc.credentials.createInsecure());
  const items = new catalogueItemsV1.ItemServiceClient(catalogueAddress, grpc.credentials.createInsecure());
  try {
    const { halls } = await callUnary(
      organisation,
      'listHalls',
      catalogueV1.ListHallsRequest.fromPartial({ tier: catalogueV1.HallTier.HALL_TIER_CITY }),
    );
    const city = halls[0];
    if (!city) return undefined;
    const { halls: districts } = await callUnary(
      organisation,
      'listHalls',
      catalogueV1.ListHallsRequest.fromPartial({ tier: catalogueV1.HallTier.HALL_TIER_DISTRICT }),
    );
    const districtHallId = districts[0]?.id;
    let pageToken = '';
    do {
      const page = await callUnary(
        items,
        'listItems',
        catalogueItemsV1.ListItemsRequest.fromPartial({ hallId: city.id, pageSize: 500, pageToken }),
      );
      const joint = page.items.find((i) => i.content?.implementationCode === DEMO_JOINT_ITEM);
      if (joint) return { cityHallId: city.id, jointItemId: joint.id, ...(districtHallId ? { districtHallId } : {}) };
      pageToken = page.nextPageToken;
    } while (pageToken);
    return undefined;
  } finally {
    organisation.close();
    items.close();
  }
}

const staff = (hallId: string, regionCode: string, roles: string[], departmentId: string | null = null): Actor => ({
  kind: 'staff',
  staffId: `demo-fee-${roles[0]}`,
  roles,
  departmentId,
  hallId,
  regionCode,
});

/** The city hall's one-fee scope and its 50/50 split with the district that shares the building (上交除外). */
export async function configureDemoScope(service: FeeService, scope: DemoScope, regionCode: string): Promise<void> {
  const admin = staff(scope.cityHallId, regionCode, ['administrator']);
  const current = (await service.getHallFeeSettings({ hallId: scope.cityHallId })).settings!;
  if (current.version > 0) return;
  await service.setHallFeeSettings(admin, {
    requestId: 'demo-fee-settings-city',
    expectedVersion: 0,
    settings: feeV1.HallFeeSettings.fromPartial({
      hallId: scope.cityHallId,
      oneFeeItemIds: [scope.jointItemId],
      revenueSplit: { partnerName: '奎文区财政局', ownShareBasisPoints: 5000 },
    }),
  });
}

/** How long the demo waits for the service to open the demo cases' bills. */
const DEMO_CATCH_UP_MS = 60_000;

/**
 * Reads until `opened` holds, for DEMO_CATCH_UP_MS at most: the bills open as the service reads intake's stream.
 * Answers the last read either way.
 */
async function whenOpened<T>(read: () => Promise<T>, opened: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let waited = 0; !opened(value) && waited < DEMO_CATCH_UP_MS; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** Quantities the departments confirm on the demo's bills, per fee code (per-unit fees in thousandths). */
const DEMO_QUANTITIES: Readonly<Record<string, number>> = { F01: 12_500_000, F02: 2_000_000 };

/** Loads the demo's bills and deposit; answers the banner's line. */
export async function loadFeeDemo(
  service: FeeService,
  scope: DemoScope,
  regionCode: string,
  clock: Clock,
): Promise<string> {
  const listIn = async (hallId: string) =>
    (
      await service.listBills(
        staff(hallId, regionCode, ['supervisor', 'administrator']),
        feeV1.ListBillsRequest.fromPartial({ hallId, pageSize: 200 }),
      )
    ).bills;
  const list = () => listIn(scope.cityHallId);
  const consolidated = async () =>
    (await list())
      .filter((b) => b.kind === feeV1.BillKind.BILL_KIND_ONE_FEE && b.parts.length >= 2)
      .sort((a, b) => a.number.localeCompare(b.number));
  // The demo's two joint cases' bills.
  const oneFee = await whenOpened(consolidated, (bills) => bills.length >= 2);
  const confirm = async (bill: feeV1.Bill) => {
    for (const part of bill.parts) {
      if (part.status === feeV1.PartStatus.PART_STATUS_CONFIRMED) continue;
      await service.assessFees(staff(bill.hallId, regionCode, ['clerk'], part.departmentId), {
        requestId: `demo-fee-assess-${bill.id}-${part.departmentId}`,
        billId: bill.id,
        departmentId: part.departmentId,
        lines: part.chargeable.map((c) =>
          feeV1.AssessedLine.fromPartial({
            caseId: c.caseId,
            feeCode: c.feeCode,
            quantityMilli:
              c.kind === feeV1.FeeStandardKind.FEE_STANDARD_KIND_PER_UNIT ? (DEMO_QUANTITIES[c.feeCode] ?? 1_000) : 0,
          }),
        ),
      });
    }
    return (
      await service.issueBill(staff(bill.hallId, regionCode, ['clerk'], bill.parts[0]!.departmentId), {
        requestId: `demo-fee-issue-${bill.id}`,
        billId: bill.id,
        allowPartial: false,
      })
    ).bill!;
  };
  /** Pays an issued bill in full at the counter, once (a second start finds it paid and answers it as it is). */
  const payAtCounter = async (bill: feeV1.Bill): Promise<feeV1.Bill> => {
    const current = (
      await service.getBill(staff(bill.hallId, regionCode, ['supervisor']), { billId: bill.id, paymentCode: '' })
    ).bill!;
    if (current.status !== feeV1.BillStatus.BILL_STATUS_ISSUED) return current;
    return (
      await service.recordPayment({
        bankTransactionId: `DEMO${current.number.replaceAll('-', '')}`,
        paymentCode: current.paymentCode,
        amountFen: current.totalFen,
        channel: feeV1.PaymentChannel.PAYMENT_CHANNEL_COUNTER,
        paidAt: clock.now(),
      })
    ).bill!;
  };
  const [unpaid, paid] = oneFee;
  const lines: string[] = [];
  if (unpaid) {
    const issued = await confirm(unpaid);
    lines.push(
      `${issued.number} ${yuan(issued.totalFen)}元 of ${issued.parts.length} departments issued, unpaid (缴款码 ${issued.paymentCode})`,
    );
  }
  if (paid) {
    await confirm(paid);
    const issued = await payAtCounter(paid);
    lines.push(
      `${issued.number} ${yuan(issued.paidFen)}元 paid at the counter, ${issued.receipts.filter((r) => !r.applicantCopy).length} department receipts`,
    );
  }
  if (scope.districtHallId) {
    const districtHallId = scope.districtHallId;
    const findHouse = async () => (await listIn(districtHallId)).find((b) => b.payerName === DEMO_DISTRICT_PAID_PAYER);
    const house = await whenOpened(findHouse, (bill) => bill !== undefined);
    if (house && house.status !== feeV1.BillStatus.BILL_STATUS_CANCELLED) {
      if (
        house.status === feeV1.BillStatus.BILL_STATUS_ASSESSING ||
        house.status === feeV1.BillStatus.BILL_STATUS_ASSESSED
      )
        await confirm(house);
      const settled = await payAtCounter(house);
      lines.push(`district ${settled.number} ${yuan(settled.paidFen)}元 (${settled.title}) paid at the counter`);
    }
  }
  const admin = staff(scope.cityHallId, regionCode, ['administrator']);
  const { deposit } = await service.recordDeposit(admin, {
    requestId: 'demo-fee-deposit-1',
    hallId: scope.cityHallId,
    projectName: '白浪河综合治理二期工程',
    enterpriseName: '潍坊市城市建设工程有限公司',
    enterpriseCreditCode: '91370700MA3C5B7N2K',
    amountFen: 86_200_000,
    fiscalAccount: '3707010000100090009',
    bankTransactionId: 'DEMODEPOSIT0001',
  });
  const acceptanceDate = chinaDate(clock.now());
  await service.applyDepositRefund(admin, {
    requestId: 'demo-fee-deposit-1-apply',
    depositId: deposit!.id,
    acceptanceDocument: '竣工验收备案表 潍建竣〔2026〕0312号',
    acceptanceDate,
  });
  for (const [step, signer] of [
    ['owner', '潍坊市水利局 刘建军'],
    ['supervisor', '山东正信工程监理有限公司 王海'],
  ] as const)
    await service.signDepositRefund(admin, {
      requestId: `demo-fee-deposit-1-${step}`,
      depositId: deposit!.id,
      stepCode: step,
      signerName: signer,
    });
  const bills = await list();
  lines.push(`deposit ${yuan(deposit!.amountFen)}元 waiting for the centre's two heads`);
  return `one-fee (一费制): ${bills.length} bills in the city hall from the demo cases; ${lines.join('; ')}`;
}

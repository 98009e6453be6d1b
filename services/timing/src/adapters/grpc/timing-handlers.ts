import { timingV1 as pb } from '@govhall/contracts';
import { Access, grpcService, unary, type Actor, type GrpcServiceRegistration } from '@govhall/kit';
import type { CalendarHorizon } from '../../app/horizon';
import type { TimingQueries } from '../../app/timing-queries';
import type { TimingService } from '../../app/timing-service';

const STAFF = Access.staff();
const STAFF_OR_GATEWAY = Access.anyOf(Access.staff(), Access.service('gateway', 'evaluation', 'notify'));
const SUPERVISION = Access.staff({ anyRole: ['supervisor', 'administrator'] });

/** Who may call each method; hall and department scopes are the use cases'. */
export const TIMING_ACCESS = {
  getCaseClocks: STAFF_OR_GATEWAY,
  listOverdue: STAFF_OR_GATEWAY,
  listCards: STAFF_OR_GATEWAY,
  getCard: STAFF_OR_GATEWAY,
  contestCard: STAFF,
  reviewCard: SUPERVISION,
  listRuleBreaches: STAFF_OR_GATEWAY,
  getHallRules: STAFF,
  setHallRules: SUPERVISION,
  getIndicators: STAFF_OR_GATEWAY,
  getCalendarHorizon: Access.anyOf(SUPERVISION, Access.service('gateway')),
} as const;

/** The indicators as the handlers need them (`src/app/indicators.ts`). */
export interface IndicatorsReader {
  get(actor: Actor, request: pb.GetIndicatorsRequest): Promise<pb.GetIndicatorsResponse>;
}

export interface TimingHandlerDeps {
  readonly service: TimingService;
  readonly queries: TimingQueries;
  readonly indicators: IndicatorsReader;
  readonly horizon: CalendarHorizon;
}

/** Thin gRPC handlers of `govhall.timing.v1.TimingService`. */
export function timingHandlers({ service, queries, indicators, horizon }: TimingHandlerDeps): pb.TimingServiceServer {
  return {
    getCaseClocks: unary('GetCaseClocks', (r: pb.GetCaseClocksRequest) => queries.caseClocks(r)),
    listOverdue: unary('ListOverdue', (r: pb.ListOverdueRequest, ctx) => queries.overdue(ctx.actor, r)),
    listCards: unary('ListCards', (r: pb.ListCardsRequest, ctx) => queries.cards(ctx.actor, r)),
    getCard: unary('GetCard', async (r: pb.GetCardRequest, ctx) => ({ card: await queries.card(ctx.actor, r) })),
    contestCard: unary('ContestCard', async (r: pb.ContestCardRequest, ctx) => ({
      card: await service.contestCard(ctx.actor, r),
    })),
    reviewCard: unary('ReviewCard', async (r: pb.ReviewCardRequest, ctx) => ({
      card: await service.reviewCard(ctx.actor, r),
    })),
    listRuleBreaches: unary('ListRuleBreaches', (r: pb.ListRuleBreachesRequest, ctx) => queries.breaches(ctx.actor, r)),
    getHallRules: unary('GetHallRules', async (r: pb.GetHallRulesRequest) => ({ rules: await queries.hallRules(r) })),
    setHallRules: unary('SetHallRules', async (r: pb.SetHallRulesRequest, ctx) => ({
      rules: await service.setHallRules(ctx.actor, r),
    })),
    getIndicators: unary('GetIndicators', (r: pb.GetIndicatorsRequest, ctx) => indicators.get(ctx.actor, r)),
    getCalendarHorizon: unary('GetCalendarHorizon', async () => {
      const report = await horizon.check();
      return { halls: report.halls, checkedAt: report.checkedAt };
    }),
  };
}

export const timingGrpcService = (deps: TimingHandlerDeps): GrpcServiceRegistration =>
  grpcService(pb.TimingServiceService, timingHandlers(deps), TIMING_ACCESS);

import {
  loadCatalogueConfig,
  loadDemoFeeCatalogue,
  loadDemoItems,
  loadDemoOpeningHours,
  loadDemoOrganisation,
  startCatalogue,
  type RunningCatalogue,
} from '@govhall/catalogue';
import { createLogger, type EventBus, type TokenVerifier } from '@govhall/kit';

/** What the embedded start hands every service it starts. */
export interface PlatformContext {
  readonly regionCode: string;
  readonly databaseUrl: string;
  /** The embedded nats-server's URL; a placeholder when `bus` is the in-process bus. */
  readonly natsUrl: string;
  /** The in-process bus, shared by every service, when no nats-server runs. */
  readonly bus?: EventBus;
  /** One verifier over the embedded start's trusted keys, shared by every service. */
  readonly verifier: TokenVerifier;
  /** The file behind `verifier` (the services' `AUTH_TRUSTED_KEYS_FILE`). */
  readonly trustedKeysFile: string;
  readonly logLevel: string;
  readonly grpcPort: number;
  readonly httpPort: number;
}

/** One started service, as the launcher sees it. */
export interface StartedService {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Full names of its gRPC services (the banner, the random-input sweep). */
  readonly grpcServices: readonly string[];
  /** Loads the demo data (idempotently: a second start on the same data folder changes nothing). */
  loadDemo(): Promise<DemoLines>;
  /**
   * Calls to try, as shell lines that work as printed from the repository root; `grpc` is `host:port`,
   * `staffToken` the command that prints a staff member's token (`pnpm -s staff-token`, with any settings the
   * start was given).
   */
  tryLines(grpc: string, staffToken: string): Promise<readonly string[]>;
  stop(): Promise<void>;
}

/** What the banner says of a service's demo data. */
export type DemoLines = readonly string[];

/** A service the embedded start runs: its name, its default ports, and how to start it. */
export interface PlatformService {
  readonly name: string;
  readonly defaultPorts: { readonly grpc: number; readonly http: number };
  start(context: PlatformContext): Promise<StartedService>;
}

/** The demo staff member whose token the banner's write example uses: 中心管理员 of the city hall. */
export const DEMO_ADMINISTRATOR = '700GLB07';
/** The demo clerk whose contact the banner's staff-only example reads. */
const DEMO_CLERK = '700SCJG01';
/** The district hall's housing and land window, open on Saturdays (周末便民服务) in the demo. */
const DEMO_SATURDAY_WINDOW = 'B03';

const catalogue: PlatformService = {
  name: 'catalogue',
  defaultPorts: { grpc: 50051, http: 9401 },
  async start(context) {
    const running: RunningCatalogue = await startCatalogue(
      loadCatalogueConfig({
        REGION_CODE: context.regionCode,
        DATABASE_URL: context.databaseUrl,
        NATS_URL: context.natsUrl,
        GRPC_PORT: String(context.grpcPort),
        HTTP_PORT: String(context.httpPort),
        LOG_LEVEL: context.logLevel,
        DATABASE_POOL_MAX: '4',
        AUTH_TRUSTED_KEYS_FILE: context.trustedKeysFile,
      }),
      {
        ...(context.bus ? { bus: context.bus } : {}),
        verifier: context.verifier,
        logger: createLogger({ service: 'catalogue', level: context.logLevel }),
      },
    );
    return {
      grpcPort: running.grpcPort,
      httpPort: running.httpPort,
      grpcServices: running.grpcServices,
      loadDemo: async () => {
        const org = await loadDemoOrganisation(running.organisation);
        const fees = await loadDemoFeeCatalogue(running.feeCatalogue, running.organisation);
        const items = await loadDemoItems(running.items, running.organisation, undefined, running.feeCatalogue);
        const hours = await loadDemoOpeningHours(running.openingHours, running.organisation);
        return [
          `Weifang 370700: ${org.halls} halls, ${org.departments} departments, ${org.windows} windows, ${org.staff} staff`,
          `fee catalogue (收费目录): ${fees.entries} entries, ${fees.oneFee} in the one-fee bill (一费制), ${fees.cancelled} cancelled`,
          `${items.items} published items (事项) of ${items.departments} departments, ${items.delegated} delegated to the township, ${items.bundles} bundle(s)`,
          `opening hours (开放时间): ${hours.schedules} schedules in ${hours.halls} halls (Saturday, 五加二, leader on-site, extended)`,
        ];
      },
      tryLines: async (grpc, staffToken) => {
        const staff = await running.organisation.listStaff({ includeInactive: false });
        const clerk = staff.find((s) => s.employeeNo === DEMO_CLERK);
        const halls = await running.organisation.listHalls({ includeInactive: false, kind: 'main' });
        const city = halls.find((h) => h.tier === 'city');
        const district = halls.find((h) => h.tier === 'district');
        const lines = [
          `grpcurl -plaintext -d '{"tier":"HALL_TIER_CITY"}' ${grpc} govhall.catalogue.v1.OrganisationService/ListHalls`,
          `grpcurl -plaintext -d '{"query":"营业执照"}' ${grpc} govhall.catalogue.v1.ItemService/SearchGuide`,
          `grpcurl -plaintext ${grpc} describe govhall.catalogue.v1.Item`,
        ];
        if (clerk) {
          // Staff only: a token minted for the demo administrator.
          lines.push(
            `grpcurl -plaintext -H "authorization: Bearer $(${staffToken} ${DEMO_ADMINISTRATOR})" -d '{"id":"${clerk.id}"}' ${grpc} govhall.catalogue.v1.OrganisationService/GetStaffContact`,
          );
        }
        if (city && district) {
          const saturdayWindow = (
            await running.organisation.listWindows({ hallId: district.id, includeInactive: false })
          ).find((w) => w.number === DEMO_SATURDAY_WINDOW);
          lines.push(
            `grpcurl -plaintext -d '{"hallId":"${city.id}","oneFee":"ONE_FEE_FILTER_ONE_FEE"}' ${grpc} govhall.catalogue.v1.FeeCatalogueService/ListFeeCatalogueEntries`,
            `grpcurl -plaintext -d '{"hallId":"${city.id}"}' ${grpc} govhall.catalogue.v1.OrganisationService/ListStaffProfiles`,
          );
          if (saturdayWindow) {
            // A Friday, a Saturday (周末便民服务) and a closed Sunday of 2026, a year the calendar data holds.
            lines.push(
              `grpcurl -plaintext -d '{"hallId":"${district.id}","windowId":"${saturdayWindow.id}","fromDate":"2026-10-16","days":3}' ${grpc} govhall.catalogue.v1.OpeningHoursService/GetOpenTimes`,
            );
          }
        }
        return lines;
      },
      stop: () => running.stop(),
    };
  },
};

/**
 * Every service of the embedded start, in start order. Adding a service is one entry here: the launcher
 * starts it, loads its demo, prints its banner line and `try:` lines, and the random-input sweep
 * (`test/fuzz.test.ts`) covers all its methods.
 */
export const PLATFORM_SERVICES: readonly PlatformService[] = [catalogue];

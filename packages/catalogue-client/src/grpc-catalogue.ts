import type { WorkingCalendar } from '@govhall/calendar';
import { catalogueCalendarV1, catalogueItemsV1, catalogueOpeningHoursV1, catalogueV1 } from '@govhall/contracts';
import {
  UnavailableError,
  callUnary,
  grpcClientOptions,
  type RequestOf,
  type ResponseOf,
  type UnaryMethodName,
} from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { LRUCache } from 'lru-cache';
import type {
  CatalogueItem,
  CatalogueReader,
  DepartmentView,
  HallView,
  OpenDay,
  StaffView,
  WindowView,
} from './catalogue-reader';
import { departmentView, hallView, staffView, windowView, workingCalendarFromHallCalendar } from './mapping';

/** Every read is a query, safe to retry on UNAVAILABLE. */
const RETRYABLE = [
  'govhall.catalogue.v1.OrganisationService',
  'govhall.catalogue.v1.ItemService/GetItem',
  'govhall.catalogue.v1.ItemService/ListItemBundles',
  'govhall.catalogue.v1.CalendarService/GetHallCalendar',
  'govhall.catalogue.v1.OpeningHoursService/GetOpenTimes',
];

export interface GrpcCatalogueOptions {
  /** `host:port` of the catalogue. */
  readonly address: string;
  /** Per call, retries included; default 3 s. */
  readonly deadlineMs?: number;
  /** How long directory entries and calendars are reused; default 30 s (a published item version never changes). */
  readonly ttlMs?: number;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === grpc.status.NOT_FOUND;
}

/**
 * The catalogue over gRPC, with a small cache: a published item version is immutable, so it is kept (LRU);
 * halls, departments, windows, staff and calendars are kept for `ttlMs`, which bounds how stale a window's
 * departments or a newly loaded year can be. Not-found answers are not cached.
 */
export class GrpcCatalogue implements CatalogueReader {
  private readonly organisation: catalogueV1.OrganisationServiceClient;
  protected readonly items: catalogueItemsV1.ItemServiceClient;
  private readonly calendar: catalogueCalendarV1.CalendarServiceClient;
  private readonly openingHours: catalogueOpeningHoursV1.OpeningHoursServiceClient;
  private readonly deadlineMs: number;
  private readonly directory: LRUCache<string, object>;
  private readonly itemVersions = new LRUCache<string, CatalogueItem>({ max: 2_000 });
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(options: GrpcCatalogueOptions) {
    const credentials = grpc.credentials.createInsecure();
    const channel = grpcClientOptions({ retryableMethods: RETRYABLE });
    this.organisation = new catalogueV1.OrganisationServiceClient(options.address, credentials, channel);
    this.items = new catalogueItemsV1.ItemServiceClient(options.address, credentials, channel);
    this.calendar = new catalogueCalendarV1.CalendarServiceClient(options.address, credentials, channel);
    this.openingHours = new catalogueOpeningHoursV1.OpeningHoursServiceClient(options.address, credentials, channel);
    this.deadlineMs = options.deadlineMs ?? 3_000;
    this.directory = new LRUCache<string, object>({ max: 5_000, ttl: options.ttlMs ?? 30_000 });
  }

  close(): void {
    for (const client of [this.organisation, this.items, this.calendar, this.openingHours]) client.close();
  }

  hall(hallId: string): Promise<HallView | undefined> {
    return this.cached(`hall:${hallId}`, async () => {
      const { hall } = await this.call(this.organisation, 'getHall', { id: hallId });
      return hall && hallView(hall);
    });
  }

  department(departmentId: string): Promise<DepartmentView | undefined> {
    return this.cached(`department:${departmentId}`, async () => {
      const { department } = await this.call(this.organisation, 'getDepartment', { id: departmentId });
      return department && departmentView(department);
    });
  }

  async departmentsOf(hallId: string): Promise<readonly DepartmentView[]> {
    return (
      (await this.cached(`departments:${hallId}`, async () => {
        const { departments } = await this.call(this.organisation, 'listDepartments', {
          hallId,
          includeInactive: false,
        });
        return departments.map(departmentView);
      })) ?? []
    );
  }

  window(windowId: string): Promise<WindowView | undefined> {
    return this.cached(`window:${windowId}`, async () => {
      const { window } = await this.call(this.organisation, 'getWindow', { id: windowId });
      return window && windowView(window);
    });
  }

  async windowsOf(hallId: string): Promise<readonly WindowView[]> {
    return (
      (await this.cached(`windows:${hallId}`, async () => {
        const { windows } = await this.call(this.organisation, 'listWindows', {
          hallId,
          departmentId: '',
          includeInactive: false,
        });
        return windows.map(windowView);
      })) ?? []
    );
  }

  staff(staffId: string): Promise<StaffView | undefined> {
    return this.cached(`staff:${staffId}`, async () => {
      const { staff } = await this.call(this.organisation, 'getStaff', { id: staffId });
      return staff && staffView(staff);
    });
  }

  async staffOf(hallId: string): Promise<readonly StaffView[]> {
    return (
      (await this.cached(`staff-of:${hallId}`, async () => {
        const { staff } = await this.call(this.organisation, 'listStaff', {
          hallId,
          departmentId: '',
          role: catalogueV1.StaffRole.STAFF_ROLE_UNSPECIFIED,
          includeInactive: false,
        });
        return staff.map(staffView);
      })) ?? []
    );
  }

  async item(itemId: string, version: number): Promise<CatalogueItem | undefined> {
    const key = `${itemId}@${version}`;
    const known = version > 0 ? this.itemVersions.get(key) : undefined;
    if (known) return known;
    try {
      const { item } = await this.call(this.items, 'getItem', { itemId, implementationCode: '', version });
      if (!item || item.status === catalogueItemsV1.ItemStatus.ITEM_STATUS_DRAFT) return undefined;
      // Frozen is a state of the item, not of the version: only versions are kept.
      if (version > 0 && !item.frozen) this.itemVersions.set(key, item);
      return item;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async workingCalendar(hallId: string, fromYear: number, years = 2): Promise<WorkingCalendar> {
    const wanted = Array.from({ length: years }, (_, i) => fromYear + i);
    // The built calendar is kept, not the answer: a hit neither re-validates the schedules nor recompiles them.
    const calendar = await this.cached(`calendar:${hallId}:${wanted.join(',')}`, async () =>
      workingCalendarFromHallCalendar(await this.call(this.calendar, 'getHallCalendar', { hallId, years: wanted })),
    );
    if (!calendar) throw new UnavailableError(`the catalogue has no calendar for hall ${hallId}`);
    return calendar;
  }

  /** Drops the kept calendars, so the next read sees a year just loaded or working hours just changed. */
  forgetCalendars(): void {
    for (const key of [...this.directory.keys()]) if (key.startsWith('calendar:')) this.directory.delete(key);
  }

  async openTimes(hallId: string, windowId: string, fromDate: string, days: number): Promise<readonly OpenDay[]> {
    const answer = await this.cached(`open:${hallId}:${windowId}:${fromDate}:${days}`, () =>
      this.call(this.openingHours, 'getOpenTimes', { hallId, windowId, fromDate, days }),
    );
    return answer?.days ?? [];
  }

  protected async cached<T extends object>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const known = this.directory.get(key) as T | undefined;
    if (known) return known;
    // Concurrent misses of one key share one read: when a kept calendar expires under load, every request in
    // flight would otherwise fetch it at once (measured in the timing bench: 51 fetches of one calendar).
    const pending = this.loading.get(key) as Promise<T | undefined> | undefined;
    if (pending) return pending;
    const read = (async () => {
      try {
        const value = await load();
        if (value) this.directory.set(key, value);
        return value;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      } finally {
        this.loading.delete(key);
      }
    })();
    this.loading.set(key, read);
    return read;
  }

  protected async call<C extends grpc.Client, K extends UnaryMethodName<C>>(
    client: C,
    method: K,
    request: RequestOf<C[K]>,
  ): Promise<ResponseOf<C[K]>> {
    try {
      return await callUnary(client, method, request, { deadlineMs: this.deadlineMs });
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED) {
        throw new UnavailableError('the catalogue is not answering; try again', { cause: error });
      }
      throw error;
    }
  }
}

import { enumName } from '@govhall/catalogue-client';
import { catalogueItemsV1, catalogueV1 } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import type { DemoQueueCatalogue } from './demo-queue';

/**
 * What the demo loaders read of the catalogue's directory and items, over the catalogue's public gRPC reads (so the
 * demo loads the same way whether the catalogue runs in this process or not). `close()` when done.
 */
export function demoCatalogueOverGrpc(address: string): DemoQueueCatalogue & { close(): void } {
  const credentials = grpc.credentials.createInsecure();
  const organisation = new catalogueV1.OrganisationServiceClient(address, credentials);
  const items = new catalogueItemsV1.ItemServiceClient(address, credentials);
  return {
    organisation: {
      listHalls: async (filter) =>
        (
          await callUnary(
            organisation,
            'listHalls',
            catalogueV1.ListHallsRequest.fromPartial({ includeInactive: filter.includeInactive }),
          )
        ).halls.map((h) => ({
          id: h.id,
          tier: enumName(h.tier, 'HALL_TIER_'),
          kind: enumName(h.kind, 'HALL_KIND_'),
          regionCode: h.regionCode,
        })),
      listDepartments: async (filter) =>
        (
          await callUnary(
            organisation,
            'listDepartments',
            catalogueV1.ListDepartmentsRequest.fromPartial({ includeInactive: filter.includeInactive }),
          )
        ).departments.map((d) => ({ id: d.id, hallId: d.hallId, code: d.code })),
      listWindows: async (filter) =>
        (
          await callUnary(
            organisation,
            'listWindows',
            catalogueV1.ListWindowsRequest.fromPartial({ includeInactive: filter.includeInactive }),
          )
        ).windows.map((w) => ({ id: w.id, hallId: w.hallId, number: w.number, departmentIds: w.departmentIds })),
      listStaff: async (filter) =>
        (
          await callUnary(
            organisation,
            'listStaff',
            catalogueV1.ListStaffRequest.fromPartial({ includeInactive: filter.includeInactive }),
          )
        ).staff.map((s) => ({ id: s.id, employeeNo: s.employeeNo })),
    },
    items: {
      listItems: async (_filter, page) => {
        const answer = await callUnary(
          items,
          'listItems',
          catalogueItemsV1.ListItemsRequest.fromPartial({
            status: catalogueItemsV1.ItemStatus.ITEM_STATUS_PUBLISHED,
            pageSize: page.size,
            pageToken: page.token,
          }),
        );
        return {
          items: answer.items.map((i) => ({
            itemId: i.id,
            content: { implementationCode: i.content?.implementationCode ?? '' },
          })),
        };
      },
    },
    close: () => {
      organisation.close();
      items.close();
    },
  };
}

import type { catalogueItemsV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { requestId } from './builders';

type ItemClient = InstanceType<typeof pb.ItemServiceClient>;

/**
 * Creating and publishing items over gRPC, as most item tests do. `client` is read at each call: test files open
 * their client in `beforeAll`.
 */
export function itemCalls(client: () => ItemClient): {
  create(content: pb.ItemContent): Promise<pb.Item>;
  publish(item: pb.Item): Promise<pb.Item>;
} {
  return {
    create: async (content) =>
      (await callUnary(client(), 'createItem', { requestId: requestId(), item: content })).item!,
    publish: async (item) =>
      (
        await callUnary(client(), 'publishItem', {
          requestId: requestId(),
          itemId: item.id,
          version: item.version,
          expectedRevision: item.revision,
        })
      ).item!,
  };
}

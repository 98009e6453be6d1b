import { GrpcCatalogue, type GrpcCatalogueOptions } from '@govhall/catalogue-client';
import { catalogueItemsV1 } from '@govhall/contracts';
import { callUnary, grpcClientOptions } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import { LRUCache } from 'lru-cache';
import type { CaseCatalogue } from '../../app/catalogue';

/** The shared catalogue reader plus the bundle look-up the case service needs (cached like the directory). */
export class GrpcCaseCatalogue extends GrpcCatalogue implements CaseCatalogue {
  private readonly bundleClient: catalogueItemsV1.ItemServiceClient;
  private readonly bundles: LRUCache<string, readonly catalogueItemsV1.ItemBundle[]>;
  private readonly bundleDeadlineMs: number;

  constructor(options: GrpcCatalogueOptions) {
    super(options);
    this.bundleClient = new catalogueItemsV1.ItemServiceClient(
      options.address,
      grpc.credentials.createInsecure(),
      grpcClientOptions({ retryableMethods: ['govhall.catalogue.v1.ItemService/ListItemBundles'] }),
    );
    this.bundles = new LRUCache({ max: 2_000, ttl: options.ttlMs ?? 30_000 });
    this.bundleDeadlineMs = options.deadlineMs ?? 3_000;
  }

  async bundlesContaining(itemId: string, hallId: string): Promise<readonly catalogueItemsV1.ItemBundle[]> {
    const key = `${itemId}@${hallId}`;
    const known = this.bundles.get(key);
    if (known) return known;
    const { bundles } = await callUnary(
      this.bundleClient,
      'listItemBundles',
      { itemId, hallId, includeInactive: false },
      {
        deadlineMs: this.bundleDeadlineMs,
      },
    );
    this.bundles.set(key, bundles);
    return bundles;
  }

  override close(): void {
    super.close();
    this.bundleClient.close();
  }
}

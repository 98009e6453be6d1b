import type { CatalogueReader } from '@govhall/catalogue-client';
import type { catalogueItemsV1 } from '@govhall/contracts';

/** What the case service reads of the catalogue: the shared reader plus the bundles an item is issued in. */
export interface CaseCatalogue extends CatalogueReader {
  /** Active bundles (两证齐发) containing the item and issued at the hall. */
  bundlesContaining(itemId: string, hallId: string): Promise<readonly catalogueItemsV1.ItemBundle[]>;
}

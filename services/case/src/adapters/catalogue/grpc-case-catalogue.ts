import { GrpcCatalogue } from '@govhall/catalogue-client';
import type { catalogueItemsV1 } from '@govhall/contracts';
import type { CaseCatalogue } from '../../app/catalogue';

/** The shared catalogue reader plus the bundle look-up the case service needs (cached like the directory). */
export class GrpcCaseCatalogue extends GrpcCatalogue implements CaseCatalogue {
  async bundlesContaining(itemId: string, hallId: string): Promise<readonly catalogueItemsV1.ItemBundle[]> {
    return (
      (await this.cached(`bundles:${itemId}@${hallId}`, async () => {
        const { bundles } = await this.call(this.items, 'listItemBundles', { itemId, hallId, includeInactive: false });
        return bundles;
      })) ?? []
    );
  }
}

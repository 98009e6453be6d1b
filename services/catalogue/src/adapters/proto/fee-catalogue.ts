import type { catalogueFeeCatalogueV1 as pb } from '@govhall/contracts';
import type { FeeCatalogueEntry, FeeCatalogueEntryInput } from '../../domain/fee-catalogue';
import { feeCatalogueStatus, feeKind } from './enums';

/** The fee catalogue's messages: proto → domain input, domain → proto (answers and event payloads). */

export const feeCatalogueEntryIn = (m: pb.FeeCatalogueEntryInput): FeeCatalogueEntryInput => ({
  hallId: m.hallId,
  code: m.code,
  name: m.name,
  chargingDepartmentId: m.chargingDepartmentId,
  basis: m.basis,
  kind: feeKind.fromProto(m.kind),
  amountFen: m.amountFen,
  unitPriceFen: m.unitPriceFen,
  unitName: m.unitName,
  fiscalAccount: m.fiscalAccount,
  oneFee: m.oneFee,
  upwardShareBasisPoints: m.upwardShareBasisPoints,
  upwardBody: m.upwardBody,
});

export const feeCatalogueEntryOut = (e: FeeCatalogueEntry): pb.FeeCatalogueEntry => ({
  id: e.id,
  hallId: e.hallId,
  code: e.code,
  name: e.name,
  chargingDepartmentId: e.chargingDepartmentId,
  basis: e.basis,
  kind: feeKind.toProto(e.kind),
  amountFen: e.amountFen,
  unitPriceFen: e.unitPriceFen,
  unitName: e.unitName,
  fiscalAccount: e.fiscalAccount,
  oneFee: e.oneFee,
  upwardShareBasisPoints: e.upwardShareBasisPoints,
  upwardBody: e.upwardBody,
  status: feeCatalogueStatus.toProto(e.status),
  cancellation: e.cancellation
    ? {
        round: e.cancellation.round,
        basis: e.cancellation.basis,
        note: e.cancellation.note,
        cancelledAt: e.cancellation.cancelledAt,
      }
    : undefined,
  version: e.version,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

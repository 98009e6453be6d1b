import type { timingV1 } from '@govhall/contracts';
import type { ClockState, Step } from './clock';
import { recipientRoleCodec, type RecipientRoleName } from './ladder';

/** The catalogue's leader chain of a department (read model of catalogue.leader_chain.set). */
export interface LeaderChain {
  readonly departmentId: string;
  readonly chiefRepresentativeId: string;
  readonly deputyLeaderId: string;
  readonly principalLeaderId: string;
  readonly version: number;
}

function staffFor(role: RecipientRoleName, clock: ClockState, leaders: LeaderChain | undefined): string {
  switch (role) {
    case 'handler':
      return clock.handlerStaffId;
    case 'chief_representative':
      return leaders?.chiefRepresentativeId ?? '';
    case 'deputy_leader':
      return leaders?.deputyLeaderId ?? '';
    case 'principal_leader':
      return leaders?.principalLeaderId ?? '';
    case 'applicant':
    case 'supervisor':
      return '';
  }
}

/**
 * Who a step goes to, by name: the handler of the clock, the department's leaders from its chain, the applicant.
 * A role the department has not filled stays in the list with no staff id, so notify can tell the supervision
 * office that nobody received it rather than the alert vanishing.
 */
export function recipientsOf(step: Step, clock: ClockState, leaders: LeaderChain | undefined): timingV1.Recipient[] {
  return step.to.map((role) => ({
    role: recipientRoleCodec.toProto(role),
    staffId: staffFor(role, clock, leaders),
    applicantId: role === 'applicant' ? clock.applicantId : '',
  }));
}

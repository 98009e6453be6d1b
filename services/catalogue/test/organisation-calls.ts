import type { catalogueV1 as pb } from '@govhall/contracts';
import { callUnary } from '@govhall/kit';
import { requestId } from './builders';

type OrganisationClient = InstanceType<typeof pb.OrganisationServiceClient>;

/**
 * Creating halls, departments, windows and staff over gRPC, as the directory tests set them up. `client` is read at
 * each call: test files open their client in `beforeAll`. `id` is the request id, to send a create twice.
 */
export function organisationCalls(client: () => OrganisationClient): {
  createHall(hall: pb.HallInput): Promise<pb.Hall>;
  createDepartment(department: pb.DepartmentInput, id?: string): Promise<pb.Department>;
  createWindow(window: pb.WindowInput): Promise<pb.Window>;
  createStaff(staff: pb.StaffInput): Promise<pb.Staff>;
} {
  return {
    createHall: async (hall) => (await callUnary(client(), 'createHall', { requestId: requestId(), hall })).hall!,
    createDepartment: async (department, id = requestId()) =>
      (await callUnary(client(), 'createDepartment', { requestId: id, department })).department!,
    createWindow: async (window) =>
      (await callUnary(client(), 'createWindow', { requestId: requestId(), window })).window!,
    createStaff: async (staff) => (await callUnary(client(), 'createStaff', { requestId: requestId(), staff })).staff!,
  };
}

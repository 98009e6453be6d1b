import type { CatalogueReader } from '@govhall/catalogue-client';
import { catalogueV1, intakeV1 } from '@govhall/contracts';
import { bearerInterceptor, callUnary, grpcClientOptions, type TokenSigner } from '@govhall/kit';
import * as grpc from '@grpc/grpc-js';
import type { Contact, Contacts, Directory } from '../../app/ports';

const SERVICE_NAME = 'notify';
const TOKEN_TTL_SECONDS = 3_600;

/** This service's token, minted when half its life is gone (the signer's clock, so tests can move it). */
function serviceToken(signer: TokenSigner): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  let minting: Promise<string> | undefined;
  return () => {
    const now = signer.clock.now().getTime();
    if (current && now < current.renewAt) return Promise.resolve(current.token);
    minting ??= signer.signService(SERVICE_NAME, TOKEN_TTL_SECONDS).then(
      (token) => {
        current = { token, renewAt: now + (TOKEN_TTL_SECONDS * 1000) / 2 };
        minting = undefined;
        return token;
      },
      (error: unknown) => {
        minting = undefined;
        throw error;
      },
    );
    return minting;
  };
}

const isNotFound = (error: unknown) => (error as { code?: number }).code === grpc.status.NOT_FOUND;

/**
 * Phones from their owners, asked as the notify service: intake's GetContact (applicants, appointments) and the
 * catalogue's GetStaffContact. The number lives in memory for one attempt only.
 */
export class GrpcContacts implements Contacts {
  private readonly intake: intakeV1.IntakeServiceClient;
  private readonly organisation: catalogueV1.OrganisationServiceClient;

  constructor(options: { intakeAddress: string; catalogueAddress: string; signer: TokenSigner; deadlineMs?: number }) {
    const channel = {
      ...grpcClientOptions({
        retryableMethods: [
          'govhall.intake.v1.IntakeService/GetContact',
          'govhall.catalogue.v1.OrganisationService/GetStaffContact',
        ],
      }),
      interceptors: [bearerInterceptor(serviceToken(options.signer))],
    };
    const insecure = grpc.credentials.createInsecure();
    this.intake = new intakeV1.IntakeServiceClient(options.intakeAddress, insecure, channel);
    this.organisation = new catalogueV1.OrganisationServiceClient(options.catalogueAddress, insecure, channel);
    this.deadlineMs = options.deadlineMs ?? 3_000;
  }

  private readonly deadlineMs: number;

  async contactOf(recipient: {
    kind: 'applicant' | 'staff' | 'appointment';
    id: string;
  }): Promise<Contact | undefined> {
    try {
      if (recipient.kind === 'staff') {
        const staff = await callUnary(
          this.organisation,
          'getStaffContact',
          { id: recipient.id },
          { deadlineMs: this.deadlineMs },
        );
        const mobile = /^1\d{10}$/.test(staff.mobile) ? staff.mobile : '';
        return { mobile, phoneMasked: staff.mobile ? `${staff.mobile.slice(0, 3)}****${staff.mobile.slice(-4)}` : '' };
      }
      const request =
        recipient.kind === 'applicant'
          ? { applicantId: recipient.id, appointmentId: '' }
          : { applicantId: '', appointmentId: recipient.id };
      const contact = await callUnary(this.intake, 'getContact', request, { deadlineMs: this.deadlineMs });
      return { mobile: contact.mobile, phoneMasked: contact.phoneMasked };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  close(): void {
    this.intake.close();
    this.organisation.close();
  }
}

/** Names for the templates, from the catalogue's reader (cached there). */
export class CatalogueDirectory implements Directory {
  private readonly organisation: catalogueV1.OrganisationServiceClient;

  constructor(
    private readonly catalogue: CatalogueReader,
    catalogueAddress: string,
  ) {
    this.organisation = new catalogueV1.OrganisationServiceClient(catalogueAddress, grpc.credentials.createInsecure());
  }

  async hall(hallId: string): Promise<{ name: string; complaintPhone: string } | undefined> {
    if (!hallId) return undefined;
    const hall = await this.catalogue.hall(hallId);
    return hall ? { name: hall.name, complaintPhone: hall.complaintPhone } : undefined;
  }

  async departmentName(departmentId: string): Promise<string | undefined> {
    if (!departmentId) return undefined;
    return (await this.catalogue.department(departmentId))?.name;
  }

  async windowName(windowId: string): Promise<string | undefined> {
    if (!windowId) return undefined;
    const window = await this.catalogue.window(windowId);
    return window ? window.number || window.name : undefined;
  }

  async staffAtWindow(hallId: string, windowId: string): Promise<readonly string[]> {
    const answer = await callUnary(this.organisation, 'listStaffProfiles', { hallId, departmentId: '', windowId });
    return answer.profiles.map((p) => p.staffId);
  }

  close(): void {
    this.organisation.close();
  }
}

import { grpcClientOptions } from './client';

interface ServiceConfig {
  methodConfig: Array<{
    name: Array<{ service: string; method?: string }>;
    retryPolicy: { maxAttempts: number; retryableStatusCodes: string[] };
  }>;
}

function serviceConfigOf(options: ReturnType<typeof grpcClientOptions>): ServiceConfig {
  return JSON.parse(options['grpc.service_config'] as string) as ServiceConfig;
}

describe('grpcClientOptions', () => {
  it('retries the listed methods, and whole services, on UNAVAILABLE only by default', () => {
    const config = serviceConfigOf(
      grpcClientOptions({
        retryableMethods: ['govhall.catalogue.v1.CatalogueService/GetItem', '/govhall.timing.v1.TimingService'],
      }),
    );
    expect(config.methodConfig).toHaveLength(1);
    expect(config.methodConfig[0]!.name).toEqual([
      { service: 'govhall.catalogue.v1.CatalogueService', method: 'GetItem' },
      { service: 'govhall.timing.v1.TimingService' },
    ]);
    expect(config.methodConfig[0]!.retryPolicy).toMatchObject({
      maxAttempts: 3,
      retryableStatusCodes: ['UNAVAILABLE'],
    });
  });

  it('adds DEADLINE_EXCEEDED when asked, and takes maxAttempts', () => {
    const config = serviceConfigOf(
      grpcClientOptions({ retryableMethods: ['a.B/C'], retryOnDeadlineExceeded: true, maxAttempts: 5 }),
    );
    expect(config.methodConfig[0]!.retryPolicy).toMatchObject({
      maxAttempts: 5,
      retryableStatusCodes: ['UNAVAILABLE', 'DEADLINE_EXCEEDED'],
    });
  });

  it('sets no service config when nothing is retryable', () => {
    expect(grpcClientOptions()['grpc.service_config']).toBeUndefined();
  });

  it('refuses an attempt count grpc-js would not honour', () => {
    expect(() => grpcClientOptions({ retryableMethods: ['a.B/C'], maxAttempts: 1 })).toThrow(RangeError);
    expect(() => grpcClientOptions({ retryableMethods: ['a.B/C'], maxAttempts: 6 })).toThrow(RangeError);
  });
});

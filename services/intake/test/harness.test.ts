import { startIntakeForTest, type IntakeUnderTest } from './start-for-test';

describe('intake test harness', () => {
  let under: IntakeUnderTest;
  beforeAll(async () => {
    under = await startIntakeForTest();
  }, 60_000);
  afterAll(() => under.stop());

  it('starts intake beside a catalogue holding the demo directory', async () => {
    const demo = await under.demo();
    expect(Object.keys(demo.halls).sort()).toEqual(expect.arrayContaining(['city', 'district', 'township']));
    expect(demo.staff['700SCJG01']).toBeDefined();
    expect(under.running.grpcPort).toBeGreaterThan(0);
  });
});

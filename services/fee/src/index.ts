/** What the embedded launcher and system tests use of the fee service. */
export { startFee, SERVICE_NAME, SCHEMA_NAME, MIGRATIONS_FOLDER, type RunningFee, type FeeDependencies } from './main';
export { loadFeeConfig, feeEnv, type FeeConfig } from './config';
export { paymentCodeFor } from './app/fee-service';
export { DEMO_JOINT_ITEM, configureDemoScope, demoScopeOf, loadFeeDemo, type DemoScope } from './demo/demo-fees';

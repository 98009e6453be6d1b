/** What the embedded launcher and system tests use of the intake service. */
export { startIntake, SERVICE_NAME, MIGRATIONS_FOLDER, type RunningIntake, type IntakeDependencies } from './main';
export { loadIntakeConfig, intakeEnv, type IntakeConfig } from './config';
export { generateKeyMaterial } from './domain/personal-data';
export { loadDemoQueue, type DemoQueueCatalogue, type DemoQueueSummary } from './demo/demo-queue';
export { demoCatalogueOverGrpc } from './demo/demo-catalogue';
export { loadDemoApplications, type DemoApplicationsSummary } from './demo/demo-applications';

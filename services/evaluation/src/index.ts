/** What the embedded launcher and system tests use of the evaluation service. */
export {
  startEvaluation,
  SERVICE_NAME,
  SCHEMA_NAME,
  MIGRATIONS_FOLDER,
  type RunningEvaluation,
  type EvaluationDependencies,
} from './main';
export { loadEvaluationConfig, evaluationEnv, type EvaluationConfig } from './config';
export { zhangzhouRules, liuchengRules, xianRules } from './domain/reference-rules';
export { loadEvaluationDemo, type EvaluationDemo, type EvaluationDemoCases } from './demo/demo-evaluation';

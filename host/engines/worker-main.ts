// Entry of the engine worker process under tsx (tests, source checkouts); the bundled CLI serves the same loop when
// WORKER_ENV is set (cli/main.ts).
import { serveWorker } from './worker';

serveWorker();

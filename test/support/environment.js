// Runs before each test file, before n8n-core loads: n8n-core reads its settings from the
// environment and would otherwise write ~/.n8n/config. Kept in plain JS because linted test
// code may not touch `process`.
const { makeTempDir } = require('./system');

process.env.N8N_USER_FOLDER = makeTempDir('seedream-unit-');
process.env.N8N_ENCRYPTION_KEY = 'unit-test-encryption-key';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL = 'silent';

// n8n's services are decorated; the metadata polyfill must load before n8n-core.
require('reflect-metadata');

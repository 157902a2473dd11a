// n8n-core resolves its own copy of @n8n/di; the top-level copy is another version that does
// not know n8n-core's services. Take the one n8n-core uses.
const { dirname } = require('node:path');

module.exports = require(require.resolve('@n8n/di', { paths: [dirname(require.resolve('n8n-core'))] }));

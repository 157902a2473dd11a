// n8n-core resolves its own copies of @n8n/di and @n8n/backend-common; the top-level copies are
// other versions that do not know n8n-core's services. Take the ones n8n-core uses.
const { dirname } = require('node:path');

const fromCore = (name) => require(require.resolve(name, { paths: [dirname(require.resolve('n8n-core'))] }));

module.exports = {
	Container: fromCore('@n8n/di').Container,
	/** The logger behind a node's `this.logger`. */
	Logger: fromCore('@n8n/backend-common').Logger,
};

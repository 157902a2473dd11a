export { Container } from '@n8n/di';
export { Logger } from '@n8n/backend-common';

export { Container } from '@n8n/di';

import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { CREDENTIAL_TEST_PATH, DEFAULT_BASE_URL } from '../nodes/Seedream/helpers/constants';

/** What the credential dialog says when its test gets one of these answers. */
export const CREDENTIAL_TEST_FAILURES = [
	{
		status: 401,
		message:
			'HighwayAPI did not accept this API Key (401). Check that the whole key is pasted, without spaces, from Settings → API keys in your HighwayAPI account, and that Base URL is the HighwayAPI address the key belongs to.',
	},
	{
		status: 403,
		message:
			'HighwayAPI refused this API Key (403): the key is invalid or disabled, or the account has no balance left. Check the key and the balance in your HighwayAPI account.',
	},
	{
		status: 404,
		message:
			`Base URL does not answer like HighwayAPI (404 on ${CREDENTIAL_TEST_PATH}). Use ${DEFAULT_BASE_URL} unless you go through a proxy or a platform with the same API. ` +
			'If that platform serves the Seedream routes (/v3/<model>) but not this one, save anyway: a model route it lacks is named in the Seedream node\'s own error (404).',
	},
];

export class HighwayApi implements ICredentialType {
	name = 'highwayApi';

	// The platform is "HighwayAPI". n8n's lint (cred-class-field-display-name-missing-api) wants a
	// credential type's name to end in " API", and n8n names a new credential after the type minus
	// that word: "HighwayAPI account", the name the examples use.
	displayName = 'HighwayAPI API';

	icon = { light: 'file:../icons/highwayApi.svg', dark: 'file:../icons/highwayApi.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-seedream/n8n-nodes-seedream#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your HighwayAPI key. It is sent only to the Base URL below, never to image hosts.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Change only for a proxy, a platform serving the same API, or a local emulator',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Lists the models: proves the key without generating, so without paying for, an image. n8n
	// shows a rule's message when the test gets that status (otherwise only "Unauthorized").
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: CREDENTIAL_TEST_PATH,
			method: 'GET',
		},
		rules: CREDENTIAL_TEST_FAILURES.map(
			({ status, message }): IAuthenticateRuleResponseCode => ({
				type: 'responseCode',
				properties: { value: status, message },
			}),
		),
	};
}

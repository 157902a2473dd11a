/**
 * The API the node must call, as the seed's reference page states it: written here, not taken
 * from the node's constants, so that a wrong constant fails the tests. No nock here: importing
 * nock turns interception on, which the fault suite (real HTTP) must not have.
 */
export const API_HOST = 'https://api.highwayapi.ai';
export const API_PATH = '/v3/seedream-4.5';

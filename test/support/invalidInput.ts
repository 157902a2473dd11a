import { InvalidInput } from '../../nodes/Seedream/helpers/errors/nodeErrors';

/** The InvalidInput a check throws (fails the test when it throws nothing, or something else). */
export function rejection(call: () => unknown): InvalidInput {
	try {
		call();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInput);
		return error as InvalidInput;
	}
	throw new Error('expected the call to throw');
}

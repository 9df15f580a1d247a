// An error that knows what the user should do about it (becomes the node error's description).

export class GuidedError extends Error {
	override readonly name = 'GuidedError';

	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

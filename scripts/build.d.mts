export function buildNode(names?: string[]): Promise<void>;
export function buildRenderer(): void;

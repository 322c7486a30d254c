export declare const PROVIDERS: readonly ['sqlite', 'postgres']
export declare function renderSchema(provider: 'sqlite' | 'postgres' | string, base?: string): string

/** The build's folder, relative to the project root. */
export declare const BUILD_DIR: string;
/** The stamp `npm run build` writes into the build: the hash of the sources it was compiled from. */
export declare const STAMP_FILE: string;
/** The compiled entry point, relative to the project root. */
export declare const BUILT_MAIN: string;
/** SHA-256 of the compiled sources and the compiler settings. */
export declare function sourceHash(root: string): string;
/** The source hash the build in dist/ was compiled from, or undefined when there is no complete build. */
export declare function builtFrom(root: string): string | undefined;

// Stylesheets are imported for their side effect; Vite emits them as external files.
declare module '*.css';

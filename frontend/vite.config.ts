import { defineConfig } from "vite";

// `npm run dev` proxies the API to a Warroom server (python -m server serve) on WARROOM_DEV_API.
const api = process.env.WARROOM_DEV_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  server: {
    proxy: {
      "/graphql": { target: api, ws: true },
      "/sync": { target: api, ws: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // The war room chunk is Tiptap + ProseMirror + Yjs (~160 kB gzipped), loaded only when a case opens.
    chunkSizeWarningLimit: 600,
  },
});

/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import griffel from "@griffel/vite-plugin";

// Tauri loads the dev server at a fixed port and the built files from dist/.
export default defineConfig(({ command }) => ({
  // Griffel's ahead-of-time transform in builds: our makeStyles become precomputed class maps
  // and CSS rules (as Fluent's own packages ship), so no style object is resolved at run time.
  plugins: [react(), command === "build" && griffel()],
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    // Whole wizard walks through jsdom take several seconds on a 2-core CI machine.
    testTimeout: 20000,
  },
}));

// Node-RED settings for the browser acceptance test: an editor with no login (the gate is the
// only access control under test), no credentials file, and nothing that reaches the network on
// its own (telemetry and update checks, palette catalogues and installs, tours). Port and userDir
// come from the command line (--port, --userDir).
module.exports = {
  uiHost: "127.0.0.1",
  flowFile: "flows.json",
  flowFilePretty: false,
  // No node in the test's flow has credentials; false keeps Node-RED from generating a key file.
  credentialSecret: false,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  externalModules: {
    autoInstall: false,
    palette: { allowInstall: false, allowUpdate: false, allowUpload: false },
    modules: { allowInstall: false },
  },
  functionExternalModules: false,
  exportGlobalContextKeys: false,
  editorTheme: {
    tours: false,
    palette: { catalogues: [] },
    projects: { enabled: false },
    multiplayer: { enabled: false },
  },
  logging: { console: { level: "info", metrics: false, audit: false } },
};

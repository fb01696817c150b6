// The sink needs no Postgres, Redis or Kafka: the preset without the infrastructure set-up.
module.exports = require("@tollgate/test-harness/unit/jest-preset");

import { topics } from "@tollgate/contracts";
import type { Migration } from "@tollgate/service-kit";

/**
 * One `tollgate.auth.user.registered.v1` outbox row for every account that existed before the
 * event did (oldest first), so a service that keeps a user directory (game-realtime) can build it
 * from the topic alone. Later accounts get theirs from the sign-up transaction itself.
 *
 * A migration sees no configuration, so the topic is the one auth's events already went to
 * (namespace included, when KAFKA_TOPIC_NAMESPACE is set), or the plain topic name when the outbox
 * has never held an auth event.
 */
export const userRegisteredBackfillMigration: Migration = {
  name: "0010_user_registered_backfill",
  up: async (knex) => {
    const known = await knex("outbox").where("topic", "like", `%${topics.authEvents}`).orderBy("seq", "desc").first<{ topic: string } | undefined>("topic");
    const topic = known?.topic ?? topics.authEvents;
    await knex.raw(
      `WITH fresh AS (SELECT gen_random_uuid() AS event_id, id, username, created_at FROM users)
       INSERT INTO outbox (event_id, topic, message_key, payload)
       SELECT u.event_id, ?, u.id::text,
              jsonb_build_object(
                'specversion', '1.0', 'id', u.event_id, 'source', '/tollgate/auth', 'type', 'tollgate.auth.user.registered.v1',
                'time', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'datacontenttype', 'application/json',
                'subject', u.id::text,
                'data', jsonb_build_object('user_id', u.id, 'username', u.username,
                                           'registered_at', to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
         FROM fresh AS u
        ORDER BY u.created_at, u.id`,
      [topic],
    );
  },
  // The rows may already be published; nothing to take back.
  down: async () => undefined,
};

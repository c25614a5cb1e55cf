/**
 * A comparable picture of what a schema made: tables and columns, constraints, indexes,
 * hypertables and their dimensions and compression settings, continuous aggregates, views and
 * policy jobs. The names and ids TimescaleDB picks itself (`_materialized_hypertable_4`, its
 * id in a policy's config or a watermark call) are replaced by what they stand for, so two
 * databases built differently compare equal when their schemas are. `schema_migrations` is the
 * runner's bookkeeping, not schema, and is left out.
 */
import type pg from 'pg';

export type CatalogSnapshot = Record<
  | 'tables'
  | 'columns'
  | 'constraints'
  | 'indexes'
  | 'hypertables'
  | 'dimensions'
  | 'compression'
  | 'continuousAggregates'
  | 'views'
  | 'jobs',
  string[]
>;

/** Relations of the schema: the current schema's tables, views and sequences, and the rollups' materialization hypertables. */
const RELATIONS = `
  SELECT c.oid AS oid, c.relname::text AS name, c.relkind::text AS kind
    FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace
     AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
     AND c.relname NOT LIKE 'schema\\_migrations%'
  UNION ALL
  SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)::regclass,
         materialization_hypertable_name::text, 'r'
    FROM timescaledb_information.continuous_aggregates`;

export async function catalogSnapshot(db: pg.ClientBase | pg.Pool): Promise<CatalogSnapshot> {
  const rows = async <T extends Record<string, unknown>>(sql: string) =>
    (await db.query<T>(sql)).rows;

  // TimescaleDB's own names and ids → what they stand for.
  const materializations = await rows<{ table: string; view: string }>(
    `SELECT materialization_hypertable_name AS table, view_name AS view
       FROM timescaledb_information.continuous_aggregates`,
  );
  const viewOf = new Map(materializations.map((m) => [m.table, `<materialization of ${m.view}>`]));
  const hypertables = await rows<{ id: number; name: string }>(
    `SELECT id, table_name AS name FROM _timescaledb_catalog.hypertable`,
  );
  const nameOfId = new Map(hypertables.map((h) => [h.id, viewOf.get(h.name) ?? h.name]));
  const normalise = (text: string) =>
    text
      .replace(/_materialized_hypertable_\d+/g, (name) => viewOf.get(name) ?? name)
      .replace(
        /cagg_watermark\((\d+)\)/g,
        (call, id: string) => `cagg_watermark(${nameOfId.get(Number(id)) ?? call})`,
      );
  const lines = (list: Record<string, unknown>[]) =>
    list.map((row) => normalise(JSON.stringify(row))).sort();

  return {
    tables: lines(await rows(`SELECT name, kind FROM (${RELATIONS}) r`)),
    columns: lines(
      await rows(`
        SELECT r.name AS relation, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
               a.attnotnull AS not_null,
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
               CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated
          FROM (${RELATIONS}) r
          JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum`),
    ),
    constraints: lines(
      await rows(`
        SELECT r.name AS relation, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
          FROM (${RELATIONS}) r JOIN pg_constraint c ON c.conrelid = r.oid`),
    ),
    indexes: lines(
      await rows(`
        SELECT r.name AS relation, pg_get_indexdef(i.indexrelid) AS definition
          FROM (${RELATIONS}) r JOIN pg_index i ON i.indrelid = r.oid`),
    ),
    hypertables: lines(
      await rows(`
        SELECT hypertable_name AS name, num_dimensions, compression_enabled, primary_dimension
          FROM timescaledb_information.hypertables`),
    ),
    dimensions: lines(
      await rows(`
        SELECT hypertable_name AS name, dimension_number, column_name, column_type, dimension_type,
               time_interval::text, integer_interval, integer_now_func, num_partitions
          FROM timescaledb_information.dimensions`),
    ),
    compression: lines(
      await rows(`
        SELECT hypertable_name AS name, attname, segmentby_column_index, orderby_column_index,
               orderby_asc, orderby_nullsfirst
          FROM timescaledb_information.compression_settings`),
    ),
    continuousAggregates: lines(
      await rows(`
        SELECT view_name, hypertable_name AS source, materialized_only, compression_enabled,
               finalized, view_definition
          FROM timescaledb_information.continuous_aggregates`),
    ),
    views: lines(
      await rows(`
        SELECT r.name, pg_get_viewdef(r.oid) AS definition FROM (${RELATIONS}) r
         WHERE r.kind IN ('v', 'm')`),
    ),
    jobs: (
      await rows<{ config: Record<string, unknown> | null } & Record<string, unknown>>(`
        SELECT proc_schema, proc_name, hypertable_name, schedule_interval::text, max_runtime::text,
               max_retries, retry_period::text, scheduled, fixed_schedule, config
          FROM timescaledb_information.jobs`)
    )
      .map(({ config, ...job }) => {
        // A policy names its table by hypertable id; name it by what the id stands for.
        const named = Object.fromEntries(
          Object.entries(config ?? {}).map(([key, value]) =>
            /hypertable_id$/.test(key) ? [key, nameOfId.get(Number(value))] : [key, value],
          ),
        );
        return normalise(JSON.stringify({ ...job, config: named }));
      })
      .sort(),
  };
}

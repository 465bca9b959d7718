import { sharedSku } from '../demo/commerce.ts';
import { seedDemo } from '../demo/seed.ts';
import { setUpDemo } from '../demo/setup.ts';
import { CliError } from './cli-error.ts';
import type { RoleContext } from './role.ts';

/**
 * `tandem demo`: seeds the demo databases (PostgreSQL "crm", MariaDB "billing": contacts,
 * companies, deals, products and orders) and, through the API of a running `tandem all`,
 * connects them, creates and starts a sync of each of those objects (demo/setup.ts), shows the
 * initial sync's progress, and prints where the health UI answers.
 */
export async function runDemo({ config }: RoleContext): Promise<number> {
  if (!config) throw new CliError('demo: no configuration');
  const token = config.apiTokens[0];
  if (!token) throw new CliError('demo: set TANDEM_API_TOKENS (the token the running API accepts)');
  const postgresUrl =
    process.env.TANDEM_DEMO_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const mysqlUrl = process.env.TANDEM_DEMO_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const apiUrl = `http://127.0.0.1:${config.apiPort}`;

  // The address first: the UI answers already, and shows the syncs as the demo sets them up.
  out(`Web UI: ${apiUrl}/#token=${token}`);
  out('== demo: seeding PostgreSQL "crm" and MariaDB "billing"');
  const seeded = await seedDemo({ postgresUrl, mysqlUrl });
  out(
    `   crm ${seeded.crm ? 'seeded' : 'already seeded'}, billing ${seeded.billing ? 'seeded' : 'already seeded'}`,
  );

  out('== demo: connections and syncs through the API, initial sync');
  const pg = new URL(postgresUrl);
  const my = new URL(mysqlUrl);
  await setUpDemo(
    { url: apiUrl, token },
    {
      pgHost: pg.hostname,
      pgPort: Number(pg.port || 5432),
      myHost: my.hostname,
      myPort: Number(my.port || 3306),
    },
  );
  out('');
  out(`Tandem is running. Health UI: ${apiUrl}/#token=${token}`);
  out(`API token: ${token}   (API docs: ${apiUrl}/docs)`);
  out('Edit a record in either database and watch it arrive in the other, e.g.:');
  out(
    `  psql -h ${pg.hostname} -U postgres crm -c "UPDATE contacts SET first_name='Edited' WHERE email_address='person1@demo-1.example'"`,
  );
  out(
    `  mysql -h ${my.hostname} -u root billing -e "SELECT firstname FROM customers WHERE lower(trim(email))='person1@demo-1.example'"`,
  );
  out(
    `  psql -h ${pg.hostname} -U postgres crm -c "UPDATE products SET price=11.50 WHERE sku='${sharedSku}'"`,
  );
  out(
    `  mysql -h ${my.hostname} -u root billing -e "SELECT title, sku, unit_price FROM articles"   (its SKU is '${sharedSku.toLowerCase()}' there: matched by SKU, case and spacing ignored)`,
  );
  return 0;
}

// Finds PostgreSQL for the test suite. Placeholder: the PostgreSQL issue makes it start a throwaway cluster.
export async function startTestPostgres() {
  if (process.env.LABFORGE_TEST_DATABASE_URL)
    return { url: process.env.LABFORGE_TEST_DATABASE_URL, stop: async () => {} };
  console.log('postgres: not started (the throwaway cluster is not implemented yet); running SQLite only');
  return null;
}

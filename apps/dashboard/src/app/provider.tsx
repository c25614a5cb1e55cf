import { useState, type ReactNode } from 'react';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '../lib/api-client.ts';

function isRefused(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

/** react-query with the dashboard's policy: keep showing old data while refetching, never retry a refused token. */
export function AppProvider({
  onUnauthorized,
  children,
}: {
  onUnauthorized: () => void;
  children: ReactNode;
}) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({
          onError: (error) => {
            if (isRefused(error)) onUnauthorized();
          },
        }),
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            placeholderData: (previous: unknown) => previous,
            retry: (failures, error) => !isRefused(error) && failures < 2,
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

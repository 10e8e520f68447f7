import { Button, Flex, Result, Skeleton } from 'antd';
import { Link } from 'react-router-dom';
import { ApiError, errorTitle } from '../api/client';
import { Page } from './Page';
import { commonText } from './text';

/**
 * What a public detail page shows before its record is there: a skeleton while loading; on failure the server's
 * title, a retry (not for a 404: the record is gone) and a way back to the search.
 */
export function DetailFallback({
  title,
  error,
  onRetry,
  backTo,
  backText,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
  backTo: string;
  backText: string;
}) {
  if (!error) {
    return (
      <Page title={title} width="wide">
        <Skeleton active />
      </Page>
    );
  }
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Page title={title} width="wide">
      <Result
        status={notFound ? '404' : 'warning'}
        title={errorTitle(error)}
        extra={
          <Flex gap={8} justify="center" wrap>
            {!notFound && <Button onClick={onRetry}>{commonText.retry}</Button>}
            <Link to={backTo}>
              <Button type="primary">{backText}</Button>
            </Link>
          </Flex>
        }
      />
    </Page>
  );
}

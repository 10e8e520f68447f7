import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { commonText } from '../shared/text';

export function NotFound() {
  return (
    <Result
      status="404"
      title={commonText.notFoundTitle}
      subTitle={commonText.notFoundText}
      extra={
        <Link to="/">
          <Button type="primary">{commonText.backHome}</Button>
        </Link>
      }
    />
  );
}

import { Flex, Pagination, type PaginationProps } from 'antd';

export interface PageFooterProps extends Pick<PaginationProps, 'simple' | 'showSizeChanger'> {
  /** The list's total; nothing shows while it is unknown or fits on one page. */
  total: number | undefined;
  page: number;
  pageSize: number;
  onChange: (page: number) => void;
  /** Space above the pager; 0 for none. */
  marginTop?: number;
}

/** The centred pager under a list, shown only when the list runs to more than one page. */
export function PageFooter({ total, page, pageSize, onChange, marginTop = 12, ...pagination }: PageFooterProps) {
  if (total === undefined || total <= pageSize) return null;
  return (
    <Flex justify="center" style={marginTop ? { marginTop } : undefined}>
      <Pagination {...pagination} current={page} pageSize={pageSize} total={total} onChange={(next) => onChange(next)} />
    </Flex>
  );
}

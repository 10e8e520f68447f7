import { Cascader } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { getRegions } from '../../api/endpoints';
import type { Region, RegionLevel } from '../../api/types';
import { registerText } from './text';

export interface RegionOption {
  value: string;
  label: string;
  level: RegionLevel;
  isLeaf: boolean;
  loading?: boolean;
  children?: RegionOption[];
}

const toOption = (r: Region): RegionOption => ({ value: r.code, label: r.name, level: r.level, isLeaf: !r.hasChildren });

/** Levels a service region may be chosen at. */
export const SERVICE_REGION_LEVELS: readonly RegionLevel[] = ['county', 'town', 'community'];

interface Props {
  siteCode: string;
  value?: string[];
  onChange?: (value: string[]) => void;
  /** Told the level of the last chosen region (to validate it is county or lower). */
  onLevel?: (level: RegionLevel | undefined) => void;
  onLoadError?: () => void;
  /** Told the chosen path as text ("广州市 / 天河区"). */
  onLabels?: (text: string) => void;
  id?: string;
  placeholder?: string;
  allowClear?: boolean;
}

/** Lazy cascader of administrative divisions, starting inside the site's province. */
export function RegionCascader({ siteCode, value, onChange, onLevel, onLoadError, onLabels, id, placeholder, allowClear }: Props) {
  const [options, setOptions] = useState<RegionOption[]>([]);
  const [loading, setLoading] = useState(true);
  const levels = useRef(new Map<string, RegionLevel>());

  useEffect(() => {
    let live = true;
    setLoading(true);
    getRegions(`${siteCode}0000`).then(
      (items) => {
        if (!live) return;
        for (const r of items) levels.current.set(r.code, r.level);
        setOptions(items.map(toOption));
        setLoading(false);
      },
      () => {
        if (!live) return;
        setLoading(false);
        onLoadError?.();
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [siteCode]);

  const loadData = async (selected: RegionOption[]) => {
    const target = selected[selected.length - 1];
    if (!target || target.children) return;
    target.loading = true;
    setOptions((o) => [...o]);
    try {
      const items = await getRegions(target.value);
      for (const r of items) levels.current.set(r.code, r.level);
      target.children = items.map(toOption);
      if (items.length === 0) target.isLeaf = true;
    } catch {
      onLoadError?.();
    } finally {
      target.loading = false;
      setOptions((o) => [...o]);
    }
  };

  return (
    <Cascader<RegionOption>
      id={id}
      options={options}
      loadData={loadData}
      changeOnSelect
      value={value}
      loading={loading}
      placeholder={placeholder ?? registerText.regionPlaceholder}
      allowClear={allowClear}
      onChange={(path, chosen) => {
        const codes = (path ?? []) as string[];
        onLabels?.((chosen ?? []).map((o) => o.label).join(' / '));
        onChange?.(codes);
        onLevel?.(codes.length ? levels.current.get(codes[codes.length - 1]!) : undefined);
      }}
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      displayRender={(labels) => labels.join(' / ')}
    />
  );
}

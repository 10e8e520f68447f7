import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface VolunteerCardPhotosTable {
  account_id: string;
  etag: string;
  image: Uint8Array;
  width: number;
  height: number;
  updated_at: Timestamp;
}

/** Tables of migrations/0019_volunteer_cards.ts: volunteer card photos. */
export interface VolunteerCardTables {
  volunteer_card_photos: VolunteerCardPhotosTable;
}

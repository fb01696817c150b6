import { processedEventsMigration, type Migration } from "@tollgate/service-kit";
import { gamesAndMoves } from "./001-games-and-moves";
import { directoryAndRatings } from "./002-directory-and-ratings";

/** In order; never edit one that has shipped, add the next. */
export const migrations: Migration[] = [gamesAndMoves, processedEventsMigration, directoryAndRatings];

/** Every query the advisor sends carries this comment, so it never mistakes its own catalog reads for workload. */
export const ADVISOR_MARKER = '/* hotpath:index-advisor */';

"""The document type codes of docs/TAXONOMY.md: fixed strings used by the classifier,
the JSON output, the database and the reports. `khac` is anything else."""

DOC_TYPES: tuple[str, ...] = (
    "phieu_tiep_nhan",
    "don_dang_ky_dat_dai",
    "don_dang_ky_bien_dong",
    "giay_chung_nhan_qsdd",
    "hop_dong_chuyen_nhuong",
    "trich_luc_ban_do",
    "to_khai_thue",
    "quyet_dinh",
    "bao_cao_dtm",
    "giay_phep_moi_truong",
    "dang_ky_moi_truong",
    "can_cuoc",
    "giay_uy_quyen",
    "khac",
)

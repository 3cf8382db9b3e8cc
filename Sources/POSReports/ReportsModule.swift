enum ReportsModule {}

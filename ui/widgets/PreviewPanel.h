#pragma once

#include "preview/PreviewResult.h"

#include <QString>
#include <QVector>
#include <QWidget>

class AuditionView;
class PlaybackController;
class PreviewController;
class ProjectDocument;
class QComboBox;
class QCPItemText;
class QCustomPlot;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
struct AuditionEntry;

// The "Preview" tab: generates a batch with the current model in the background (progress,
// Cancel), scores it with the project's reward and shows one histogram per term in its own
// units (plus the combined value for several terms) with the exemplars' own scores in another
// colour, the AUC of exemplars against generations with one sentence reading it, a 2-D map of
// the encoder's embeddings coloured by set or by reward, and the audition view (D+ and D- of
// the batch). Clicking a bar or a map point selects and plays that clip. Previews are kept in
// the project folder (previews/) and the newest is shown again when the project is opened.
class PreviewPanel : public QWidget
{
    Q_OBJECT
public:
    PreviewPanel(ProjectDocument *document, PlaybackController *playback,
                 QWidget *parent = nullptr);

    void setGenerator(const QString &spec) { m_generator = spec; }
    QString previewsDirectory() const;
    const dragon::PreviewResult &result() const { return m_result; }
    QString folder() const { return m_folder; }
    QPushButton *previewButton() const { return m_preview; }
    QPushButton *cancelButton() const { return m_cancel; }
    QSpinBox *countBox() const { return m_count; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *readingLabel() const { return m_reading; }
    AuditionView *audition() const { return m_audition; }
    QCustomPlot *mapPlot() const { return m_map; }
    QComboBox *mapColouring() const { return m_colourBy; }

    // Histograms: one per term, then the combined value for several terms.
    int histogramCount() const { return int(m_histograms.size()); }
    QCustomPlot *histogram(int i) const { return m_histograms[i].plot; }
    // Bin edges (bins + 1) and counts of generations / exemplars in each bin.
    QVector<double> binEdges(int i) const { return m_histograms[i].edges; }
    QVector<double> binCounts(int i, bool exemplars) const;
    // The point (index into result().points) shown as selected; -1 for none.
    int selectedPoint() const { return m_selected; }

public Q_SLOTS:
    void startPreview();
    void showResult(const dragon::PreviewResult &result, const QString &folder);
    // Selects point `index` (generations and exemplars alike) and plays it.
    void selectPoint(int index, bool play = true);
    void reloadLatest();

Q_SIGNALS:
    void statusMessage(const QString &message);
    void previewShown(const dragon::PreviewResult &result);

private:
    struct Histogram
    {
        QCustomPlot *plot = nullptr;
        QVector<double> edges;
        QVector<QVector<int>> generations, exemplars; // point indexes per bin
        int cycle = 0;
    };
    struct MapGroup
    {
        QVector<int> points; // in the graph's data order
    };
    void setRunning(bool running);
    void rebuildHistograms();
    void rebuildMap();
    void rebuildAudition();
    void onBarClicked(int histogram, bool exemplars, int bin);
    QString describe(int index) const;

    ProjectDocument *m_document;
    PlaybackController *m_playback;
    PreviewController *m_controller;
    QString m_generator = "pocket";
    QPushButton *m_preview, *m_cancel;
    QSpinBox *m_count, *m_seed;
    QProgressBar *m_progress;
    QLabel *m_status, *m_reading;
    QWidget *m_histogramArea;
    QGridLayout *m_histogramGrid;
    QLabel *m_histogramHint; // in the empty histogram area until a preview is shown
    QVector<Histogram> m_histograms;
    QCustomPlot *m_map;
    QCPItemText *m_mapHint; // in the empty map until a preview has points to place
    QComboBox *m_colourBy;
    QVector<MapGroup> m_mapGroups;
    AuditionView *m_audition;
    dragon::PreviewResult m_result;
    QString m_folder;
    int m_selected = -1;
};

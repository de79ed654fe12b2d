#pragma once

#include "preview/PreviewResult.h"
#include "workers/EmbeddingWorker.h"

#include <QHash>
#include <QWidget>

class EmbeddingController;
class ProjectDocument;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

// The "Reward" tab: the encoder chooser (built-ins and TorchScript plug-ins, validated on the
// embedding thread), the embedding status of each exemplar set with background computation,
// progress and Cancel, and the reward definition form (kind, exemplar set, direction, weight,
// parameter per term) with inline validation. Everything edits the document's RewardDefinition.
class RewardPanel : public QWidget
{
    Q_OBJECT
public:
    RewardPanel(ProjectDocument *document, EmbeddingController *embeddings,
                QWidget *parent = nullptr);

    // Where embeddings are cached: <project>.dragon.d/embeddings, or a per-user cache folder
    // for an unsaved project.
    QString cacheDirectory() const;
    // Validation messages shown under the form (empty: the reward is usable).
    QStringList problems() const { return m_problems; }
    QString setStatus(const QString &setId) const { return m_status.value(setId); }
    QString encoderStatus() const;
    const EncoderInfo &encoderInfo() const { return m_encoder; }

public Q_SLOTS:
    void computeAll();
    void cancel();
    void addTerm();
    void removeCurrentTerm();
    void loadEncoderFile(const QString &path); // "Load TorchScript encoder..." without the dialog
    void chooseEncoder(const QString &spec);
    // Each term's scale (its spread over the preview's batch) shown in the Scale column.
    void setPreviewScales(const dragon::PreviewResult &preview);

Q_SIGNALS:
    void statusMessage(const QString &message);
    void embeddingsIdle();

private:
    void reloadFromDocument();
    void rebuildEncoderCombo();
    void rebuildSets();
    void rebuildTerms();
    void storeTerms();
    void validate();
    // On a project whose cache holds this encoder's embeddings, computes the sets (from the
    // cache) without waiting for Compute.
    void loadCachedEmbeddings();
    void onEncoderActivated(int index);
    // Forgets the loaded encoder and its embedding statuses, shows `spec` and loads it.
    void switchToEncoder(const QString &spec);
    bool encoderHasText() const;

    ProjectDocument *m_document;
    EmbeddingController *m_embeddings;
    QComboBox *m_encoderCombo;
    QLabel *m_encoderLabel;
    QTableWidget *m_sets;
    QPushButton *m_compute, *m_cancel;
    QProgressBar *m_progress;
    QTableWidget *m_terms;
    QLabel *m_validation;
    EncoderInfo m_encoder; // the loaded encoder (spec empty until loaded)
    QString m_encoderError;
    QStringList m_pluginPaths;        // plug-ins offered in the combo
    QString m_pendingPlugin;          // being validated before it is offered
    QHash<QString, QString> m_status; // set id -> embedding status text
    QStringList m_problems;
    std::vector<dragon::PreviewTerm> m_previewTerms; // of the last preview shown
    QString m_previewStamp;
    bool m_updating = false;
};
